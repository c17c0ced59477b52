// WASI preview 1: poll_oneoff and sched_yield, the two functions that wait,
// and the waiting of fd_read on a stream with nothing to read yet.
//
// Waiting without blocking (form 3 of ASYNC.md). When poll_oneoff has nothing
// to report yet and the context has an AsyncRuntime, the call suspends: the
// host function hands its wait to an asynchronous import of the runtime (made
// by define_async_wait, never imported by the module) and answers with that
// import's Pending answer. The Thread suspends with its whole state on the
// heap, and the event loop goes on with other work (other programs of
// `--jobs`, other calls). The wait itself is a timer of the loop at the
// earliest clock deadline, and a descriptor watch of the loop
// (EventLoop::watch_readable / watch_writable) for each descriptor polled:
// when the first of them fires, the others are dropped and the
// subscriptions checked again; once some are ready the events are written
// into linear memory and the slot resolved, which resumes the Thread with
// poll_oneoff's result (the errno, 0).
//
// fd_read on a pipe, terminal or socket with nothing to read yet waits the
// same way, as a poll on one fd_read subscription: once the descriptor is
// readable (data, or its end) the loop does the read and resumes the Thread
// with fd_read's errno.
//
// The import's result type is i64 on purpose: the runtime accepts an import
// returning i64 only in suspension form, so in a callback-form call (or with
// no asynchronous call at all: Store::call, a start function) it answers Trap
// before creating any slot, and poll_oneoff falls back to blocking the thread
// like a native program would. The resumed value is poll_oneoff's i32 errno
// (one cell either way).
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <sched.h>

#include "wasmslot/async.h"
#include "host/wasi_impl.h"

namespace wasmslot::wasi {

using Clock = EventLoop::Clock;
using std::chrono::nanoseconds;

struct Sub {
  uint64_t userdata = 0;
  uint8_t tag = 0;             // kEventtype*
  uint32_t fd = 0;             // fd_read / fd_write
  Clock::time_point deadline;  // clock
  Errno error = kSuccess;      // reported at once (bad clock, bad descriptor)
};

struct PollWait {
  bool yield = false;  // sched_yield: nothing to check, resume after queued work
  std::optional<ReadArgs> read;  // fd_read: subs holds its one fd_read subscription
  MemoryInst* memory = nullptr;
  uint32_t out = 0, nevents = 0;
  std::vector<Sub> subs;
  // What the loop waits on for this wait, while it waits.
  std::optional<EventLoop::TimerId> timer;
  std::vector<EventLoop::WatchId> watches;
};

namespace {

// The time left until an absolute time of a WASI clock, from now.
uint64_t ns_until(clockid_t id, uint64_t when) {
  struct timespec ts{};
  clock_gettime(id, &ts);
  uint64_t now = to_ns(ts);
  return when > now ? when - now : 0;
}

uint32_t subscription_size(Abi abi) {
  return abi == Abi::Unstable ? kUnstableSubscriptionSize : kSubscriptionSize;
}

// Reads the subscriptions; EINVAL for an unknown tag.
Errno parse(Memory& mem, uint32_t in, uint32_t n, Abi abi, std::vector<Sub>& subs) {
  Clock::time_point now = Clock::now();
  constexpr uint64_t kFarAway = 100ull * 365 * 24 * 3600 * 1000000000ull;  // a century
  // wasi_unstable's clock fields come after its `identifier` (unused: the
  // event carries the subscription's userdata in both ABIs).
  const uint64_t clock_at = abi == Abi::Unstable ? 24 : 16;
  subs.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t at = in + uint64_t(i) * subscription_size(abi);
    Sub& s = subs[i];
    mem.load(at, s.userdata);
    mem.load(at + 8, s.tag);
    switch (s.tag) {
      case kEventtypeClock: {
        uint32_t id = 0;
        uint64_t timeout = 0;
        uint16_t flags = 0;
        mem.load(at + clock_at, id);
        mem.load(at + clock_at + 8, timeout);
        mem.load(at + clock_at + 24, flags);
        uint64_t delta;
        if (id != kClockRealtime && id != kClockMonotonic) {
          s.error = kInval;  // CPU-time clocks cannot be waited for
          delta = 0;
        } else if (flags & kSubclockAbstime) {
          delta = ns_until(id == kClockRealtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, timeout);
        } else {
          delta = timeout;
        }
        s.deadline = now + nanoseconds(std::min(delta, kFarAway));
        break;
      }
      case kEventtypeFdRead:
      case kEventtypeFdWrite:
        mem.load(at + 16, s.fd);
        break;
      default:
        return kInval;
    }
  }
  return kSuccess;
}

struct Readiness {
  bool ready = false;
  Errno error = kSuccess;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

Readiness check_fd(Impl& w, const Sub& s) {
  Readiness r;
  FdEntry* e = w.get(s.fd);
  bool read = s.tag == kEventtypeFdRead;
  if (!e) {
    r.ready = true;
    r.error = kBadf;
    return r;
  }
  if ((e->base & (read ? kRightFdRead : kRightFdWrite)) == 0 && (e->base & kRightPollFdReadwrite) == 0) {
    r.ready = true;
    r.error = kNotcapable;
    return r;
  }
  if (e->type == kFiletypeRegularFile || e->type == kFiletypeDirectory) {
    // Files are always ready; a read reports what is left to read.
    r.ready = true;
    if (read && e->type == kFiletypeRegularFile) {
      struct stat st{};
      off_t pos = ::lseek(e->host, 0, SEEK_CUR);
      if (::fstat(e->host, &st) == 0 && pos >= 0 && st.st_size > pos)
        r.nbytes = static_cast<uint64_t>(st.st_size - pos);
    }
    return r;
  }
  struct pollfd p{e->host, static_cast<short>(read ? POLLIN : POLLOUT), 0};
  int n;
  do n = ::poll(&p, 1, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    r.ready = true;
    r.error = last_errno();
    return r;
  }
  if (n == 0) return r;
  if (p.revents & POLLNVAL) {
    r.ready = true;
    r.error = kBadf;
    return r;
  }
  r.ready = true;
  if (p.revents & POLLHUP) r.flags |= kEventrwflagHangup;
  if (read) {
    int avail = 0;
    if (::ioctl(e->host, FIONREAD, &avail) == 0 && avail > 0) r.nbytes = static_cast<uint64_t>(avail);
  }
  return r;
}

// Writes an event for every subscription that is ready at `now`; returns how
// many (0: nothing to report yet).
uint32_t collect(Impl& w, PollWait& wait, Clock::time_point now) {
  Memory mem(wait.memory);
  uint32_t count = 0;
  for (const Sub& s : wait.subs) {
    Readiness r;
    if (s.tag == kEventtypeClock) {
      r.ready = s.error != kSuccess || s.deadline <= now;
      r.error = s.error;
    } else {
      r = check_fd(w, s);
    }
    if (!r.ready) continue;
    uint8_t ev[kEventSize] = {};
    std::memcpy(ev, &s.userdata, 8);
    std::memcpy(ev + 8, &r.error, 2);
    ev[10] = s.tag;
    if (s.tag != kEventtypeClock) {
      std::memcpy(ev + 16, &r.nbytes, 8);
      std::memcpy(ev + 24, &r.flags, 2);
    }
    mem.copy_out(wait.out + uint64_t(count) * kEventSize, ev, sizeof ev);  // checked at the start
    ++count;
  }
  if (count) mem.store<uint32_t>(wait.nevents, count);
  return count;
}

std::optional<Clock::time_point> earliest_deadline(const PollWait& wait) {
  std::optional<Clock::time_point> t;
  for (const Sub& s : wait.subs)
    if (s.tag == kEventtypeClock && (!t || s.deadline < *t)) t = s.deadline;
  return t;
}

bool polls_fds(const PollWait& wait) {
  return std::any_of(wait.subs.begin(), wait.subs.end(),
                     [](const Sub& s) { return s.tag != kEventtypeClock; });
}

// The asynchronous import, called from a WASI function: its Pending answer if
// the call can suspend, otherwise something else (see the file comment).
HostAnswer try_suspend(Impl& w, Call& c) {
  if (!w.async_wait) return HostAnswer::trap("no asynchronous runtime");
  uint64_t result[1] = {0};
  HostCall sub{c.hc.store, c.hc.thread, c.hc.caller, *w.async_wait, {}, {result, 1}};
  return w.async_wait->host(sub);
}

// Blocks the thread until something is ready.
void block(Impl& w, PollWait& wait) {
  for (;;) {
    Clock::time_point now = Clock::now();
    if (collect(w, wait, now)) return;
    auto deadline = earliest_deadline(wait);
    if (polls_fds(wait)) {
      std::vector<struct pollfd> fds;
      for (const Sub& s : wait.subs)
        if (s.tag != kEventtypeClock)
          if (FdEntry* e = w.get(s.fd))
            fds.push_back({e->host, static_cast<short>(s.tag == kEventtypeFdRead ? POLLIN : POLLOUT), 0});
      int timeout = -1;
      if (deadline) {
        auto ms = std::chrono::ceil<std::chrono::milliseconds>(*deadline - now).count();
        timeout = static_cast<int>(std::clamp<int64_t>(ms, 0, 1000000));
      }
      (void)::poll(fds.data(), fds.size(), timeout);
    } else if (deadline) {
      auto ns = std::chrono::duration_cast<nanoseconds>(*deadline - now).count();
      if (ns > 0) {
        struct timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
        ::nanosleep(&ts, nullptr);
      }
    } else {
      return;  // cannot happen: every subscription is a clock or a descriptor
    }
  }
}

// poll_oneoff(in, out, nsubscriptions, nevents)
HostAnswer poll_oneoff(Impl& w, Call& c) {
  auto answer = [&](Errno e) {
    c.hc.results[0] = e;
    return HostAnswer::ok();
  };
  uint32_t in = c.u32(0), out = c.u32(1), n = c.u32(2), nevents = c.u32(3);
  if (n == 0) return answer(kInval);
  if (!c.mem.ok(in, uint64_t(n) * subscription_size(c.abi)) || !c.mem.ok(out, uint64_t(n) * kEventSize) ||
      !c.mem.ok(nevents, 4))
    return answer(kFault);
  auto wait = std::make_shared<PollWait>();
  wait->memory = c.mem.inst();
  wait->out = out;
  wait->nevents = nevents;
  if (Errno e = parse(c.mem, in, n, c.abi, wait->subs)) return answer(e);
  if (collect(w, *wait, Clock::now())) return answer(kSuccess);

  HostAnswer a = try_suspend(w, c);
  if (a.kind == HostAnswer::Pending) {
    w.waits[a.handle] = std::move(wait);  // the loop starts it (define_async_wait)
    return a;
  }
  block(w, *wait);
  return answer(kSuccess);
}

// sched_yield(): let the loop run what is queued, then go on.
HostAnswer sched_yield(Impl& w, Call& c) {
  HostAnswer a = try_suspend(w, c);
  if (a.kind == HostAnswer::Pending) {
    auto wait = std::make_shared<PollWait>();
    wait->yield = true;
    w.waits[a.handle] = std::move(wait);
    return a;
  }
  ::sched_yield();
  c.hc.results[0] = kSuccess;
  return HostAnswer::ok();
}

}  // namespace

HostAnswer suspend_read(Impl& w, Call& c, const ReadArgs& a) {
  HostAnswer answer = try_suspend(w, c);
  if (answer.kind == HostAnswer::Pending) {
    auto wait = std::make_shared<PollWait>();
    wait->memory = c.mem.inst();
    wait->read = a;
    Sub sub;
    sub.tag = kEventtypeFdRead;
    sub.fd = a.fd;
    wait->subs.push_back(sub);
    w.waits[answer.handle] = std::move(wait);
  }
  return answer;
}

namespace {

// Drops the timer and watches of a wait.
void stop_waiting(EventLoop& loop, PollWait& wait) {
  if (wait.timer) loop.cancel(*wait.timer);
  wait.timer.reset();
  for (EventLoop::WatchId id : wait.watches) loop.unwatch(id);
  wait.watches.clear();
}

// One check of a suspended wait, on the loop: resolve, or wait again for the
// earliest clock deadline and for the descriptors.
void tick(Impl* w, const std::shared_ptr<PollWait>& wait, Slot slot) {
  if (!slot.pending()) return;
  Clock::time_point now = Clock::now();
  if (wait->read) {
    if (check_fd(*w, wait->subs[0]).ready) {
      Memory mem(wait->memory);
      (void)slot.resolve(Value::i64(read_now(*w, mem, *wait->read)));
      return;
    }
  } else if (wait->yield || collect(*w, *wait, now)) {
    (void)slot.resolve(Value::i64(kSuccess));
    return;
  }
  EventLoop& loop = slot.loop();
  auto again = [w, wait, slot] {
    stop_waiting(slot.loop(), *wait);
    tick(w, wait, slot);
  };
  auto next = earliest_deadline(*wait);
  for (const Sub& s : wait->subs) {
    if (s.tag == kEventtypeClock) continue;
    const FdEntry* e = w->get(s.fd);  // there: a missing one would have been ready (EBADF)
    EventLoop::WatchId id =
        s.tag == kEventtypeFdRead ? loop.watch_readable(e->host, again) : loop.watch_writable(e->host, again);
    if (id) {
      wait->watches.push_back(id);
    } else {
      // The loop cannot watch descriptors (none left for its pipe): look again soon.
      Clock::time_point soon = now + std::chrono::milliseconds(10);
      if (!next || soon < *next) next = soon;
    }
  }
  if (next) wait->timer = loop.at(*next, again);
}

}  // namespace

void add_poll_functions(std::vector<FuncDef>& out) {
  out.insert(out.end(), {
      {"poll_oneoff", "iiii", true, nullptr, poll_oneoff},
      {"sched_yield", "", true, nullptr, sched_yield},
  });
}

void define_async_wait(Impl& w) {
  if (!w.config.async || w.async_wait) return;
  Impl* impl = &w;
  FuncType type;
  type.results.push_back(ValType::I64);  // see the file comment
  w.async_wait = w.config.async->make_async_func(
      std::move(type),
      [impl](std::span<const Value>, Slot slot) {
        auto it = impl->waits.find(slot.handle());
        if (it == impl->waits.end()) {
          (void)slot.resolve(Value::i64(kInval));
          return;
        }
        std::shared_ptr<PollWait> wait = std::move(it->second);
        impl->waits.erase(it);
        EventLoop* loop = &slot.loop();
        // A cancelled call (its timeout, the runtime shutting down) stops waiting.
        (void)slot.on_cancel([wait, loop] { stop_waiting(*loop, *wait); });
        tick(impl, wait, slot);
      },
      std::string(WasiCtx::kModuleName) + ".poll_oneoff");
}

}  // namespace wasmslot::wasi
