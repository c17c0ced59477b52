// The data of WASI preview 1 (`wasi_snapshot_preview1`) as the module sees
// it: errno values, rights, flags, and the byte layouts of the structures the
// host reads from and writes to linear memory. Every number here is the one of
// the witx definition (wasi-libc's <wasi/api.h> states the same values and
// offsets with static assertions); they are part of the ABI and never change.
//
// Linear memory is little-endian, and so is every field below.
#pragma once

#include <cstdint>

namespace wasmslot::wasi {

// ---------------------------------------------------------------------------
// errno: the result of (almost) every WASI function.
using Errno = uint16_t;
enum : Errno {
  kSuccess = 0, k2big = 1, kAcces = 2, kAddrinuse = 3, kAddrnotavail = 4, kAfnosupport = 5,
  kAgain = 6, kAlready = 7, kBadf = 8, kBadmsg = 9, kBusy = 10, kCanceled = 11, kChild = 12,
  kConnaborted = 13, kConnrefused = 14, kConnreset = 15, kDeadlk = 16, kDestaddrreq = 17,
  kDom = 18, kDquot = 19, kExist = 20, kFault = 21, kFbig = 22, kHostunreach = 23, kIdrm = 24,
  kIlseq = 25, kInprogress = 26, kIntr = 27, kInval = 28, kIo = 29, kIsconn = 30, kIsdir = 31,
  kLoop = 32, kMfile = 33, kMlink = 34, kMsgsize = 35, kMultihop = 36, kNametoolong = 37,
  kNetdown = 38, kNetreset = 39, kNetunreach = 40, kNfile = 41, kNobufs = 42, kNodev = 43,
  kNoent = 44, kNoexec = 45, kNolck = 46, kNolink = 47, kNomem = 48, kNomsg = 49,
  kNoprotoopt = 50, kNospc = 51, kNosys = 52, kNotconn = 53, kNotdir = 54, kNotempty = 55,
  kNotrecoverable = 56, kNotsock = 57, kNotsup = 58, kNotty = 59, kNxio = 60, kOverflow = 61,
  kOwnerdead = 62, kPerm = 63, kPipe = 64, kProto = 65, kProtonosupport = 66, kPrototype = 67,
  kRange = 68, kRofs = 69, kSpipe = 70, kSrch = 71, kStale = 72, kTimedout = 73, kTxtbsy = 74,
  kXdev = 75, kNotcapable = 76,
};

// ---------------------------------------------------------------------------
// Rights: what a file descriptor allows (64-bit mask).
using Rights = uint64_t;
enum : Rights {
  kRightFdDatasync = 1ull << 0,
  kRightFdRead = 1ull << 1,
  kRightFdSeek = 1ull << 2,
  kRightFdFdstatSetFlags = 1ull << 3,
  kRightFdSync = 1ull << 4,
  kRightFdTell = 1ull << 5,
  kRightFdWrite = 1ull << 6,
  kRightFdAdvise = 1ull << 7,
  kRightFdAllocate = 1ull << 8,
  kRightPathCreateDirectory = 1ull << 9,
  kRightPathCreateFile = 1ull << 10,
  kRightPathLinkSource = 1ull << 11,
  kRightPathLinkTarget = 1ull << 12,
  kRightPathOpen = 1ull << 13,
  kRightFdReaddir = 1ull << 14,
  kRightPathReadlink = 1ull << 15,
  kRightPathRenameSource = 1ull << 16,
  kRightPathRenameTarget = 1ull << 17,
  kRightPathFilestatGet = 1ull << 18,
  kRightPathFilestatSetSize = 1ull << 19,
  kRightPathFilestatSetTimes = 1ull << 20,
  kRightFdFilestatGet = 1ull << 21,
  kRightFdFilestatSetSize = 1ull << 22,
  kRightFdFilestatSetTimes = 1ull << 23,
  kRightPathSymlink = 1ull << 24,
  kRightPathRemoveDirectory = 1ull << 25,
  kRightPathUnlinkFile = 1ull << 26,
  kRightPollFdReadwrite = 1ull << 27,
  kRightSockShutdown = 1ull << 28,
  kRightSockAccept = 1ull << 29,
  kRightsAll = (1ull << 30) - 1,
};

// The rights a descriptor of each kind can use at all.
constexpr Rights kRightsRegularFile =
    kRightFdDatasync | kRightFdRead | kRightFdSeek | kRightFdFdstatSetFlags | kRightFdSync |
    kRightFdTell | kRightFdWrite | kRightFdAdvise | kRightFdAllocate | kRightFdFilestatGet |
    kRightFdFilestatSetSize | kRightFdFilestatSetTimes | kRightPollFdReadwrite;
// A stream (terminal, pipe): no seeking, so isatty() can tell a terminal.
constexpr Rights kRightsStream = kRightsRegularFile & ~(kRightFdSeek | kRightFdTell);

// ---------------------------------------------------------------------------
// Enumerations and flags.
enum : uint32_t { kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2, kClockThreadCputime = 3 };

using Filetype = uint8_t;
enum : Filetype {
  kFiletypeUnknown = 0, kFiletypeBlockDevice = 1, kFiletypeCharacterDevice = 2,
  kFiletypeDirectory = 3, kFiletypeRegularFile = 4, kFiletypeSocketDgram = 5,
  kFiletypeSocketStream = 6, kFiletypeSymbolicLink = 7,
};

enum : uint8_t { kWhenceSet = 0, kWhenceCur = 1, kWhenceEnd = 2 };
enum : uint8_t {
  kAdviceNormal = 0, kAdviceSequential = 1, kAdviceRandom = 2, kAdviceWillneed = 3,
  kAdviceDontneed = 4, kAdviceNoreuse = 5,
};

// fdflags (u16)
enum : uint16_t {
  kFdflagAppend = 1 << 0, kFdflagDsync = 1 << 1, kFdflagNonblock = 1 << 2,
  kFdflagRsync = 1 << 3, kFdflagSync = 1 << 4,
};
// fstflags (u16): which timestamps fd/path_filestat_set_times sets.
enum : uint16_t { kFstAtim = 1 << 0, kFstAtimNow = 1 << 1, kFstMtim = 1 << 2, kFstMtimNow = 1 << 3 };
// lookupflags (u32)
enum : uint32_t { kLookupSymlinkFollow = 1 << 0 };
// oflags (u16)
enum : uint16_t { kOflagCreat = 1 << 0, kOflagDirectory = 1 << 1, kOflagExcl = 1 << 2, kOflagTrunc = 1 << 3 };

// poll_oneoff
enum : uint8_t { kEventtypeClock = 0, kEventtypeFdRead = 1, kEventtypeFdWrite = 2 };
enum : uint16_t { kEventrwflagHangup = 1 << 0 };
enum : uint16_t { kSubclockAbstime = 1 << 0 };

enum : uint8_t { kPreopentypeDir = 0 };

// ---------------------------------------------------------------------------
// Layouts: size and field offsets of the structures in linear memory.

// iovec / ciovec: { u32 buf; u32 buf_len; }
constexpr uint32_t kIovecSize = 8;

// fdstat: { u8 filetype @0; u16 flags @2; u64 rights_base @8; u64 rights_inheriting @16 }
constexpr uint32_t kFdstatSize = 24;

// filestat: { u64 dev @0; u64 ino @8; u8 filetype @16; u64 nlink @24; u64 size @32;
//             u64 atim @40; u64 mtim @48; u64 ctim @56 }
constexpr uint32_t kFilestatSize = 64;

// dirent: { u64 d_next @0; u64 d_ino @8; u32 d_namlen @16; u8 d_type @20 }, then the name
constexpr uint32_t kDirentSize = 24;

// prestat: { u8 tag @0; u32 pr_name_len @4 }
constexpr uint32_t kPrestatSize = 8;

// subscription: { u64 userdata @0; u8 tag @8; union @16:
//   clock { u32 id @16; u64 timeout @24; u64 precision @32; u16 flags @40 }
//   fd_read / fd_write { u32 fd @16 } }
constexpr uint32_t kSubscriptionSize = 48;

// event: { u64 userdata @0; u16 error @8; u8 type @10;
//          fd_readwrite { u64 nbytes @16; u16 flags @24 } }
constexpr uint32_t kEventSize = 32;

}  // namespace wasmslot::wasi
