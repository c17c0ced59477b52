/// @file
/// The umbrella header of wasmslot's public API: include this one.
#pragma once

#include "wasmslot/async.h"
#include "wasmslot/event_loop.h"
#include "wasmslot/promise_slots.h"
#include "wasmslot/result.h"
#include "wasmslot/runtime.h"
#include "wasmslot/types.h"
#include "wasmslot/wasi.h"
#include "wasmslot/loader.h"
