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
inline constexpr Errno kSuccess = 0; inline constexpr Errno k2big = 1; inline constexpr Errno kAcces = 2;
inline constexpr Errno kAddrinuse = 3; inline constexpr Errno kAddrnotavail = 4; inline constexpr Errno kAfnosupport = 5;
inline constexpr Errno kAgain = 6; inline constexpr Errno kAlready = 7; inline constexpr Errno kBadf = 8;
inline constexpr Errno kBadmsg = 9; inline constexpr Errno kBusy = 10; inline constexpr Errno kCanceled = 11;
inline constexpr Errno kChild = 12; inline constexpr Errno kConnaborted = 13; inline constexpr Errno kConnrefused = 14;
inline constexpr Errno kConnreset = 15; inline constexpr Errno kDeadlk = 16; inline constexpr Errno kDestaddrreq = 17;
inline constexpr Errno kDom = 18; inline constexpr Errno kDquot = 19; inline constexpr Errno kExist = 20;
inline constexpr Errno kFault = 21; inline constexpr Errno kFbig = 22; inline constexpr Errno kHostunreach = 23;
inline constexpr Errno kIdrm = 24; inline constexpr Errno kIlseq = 25; inline constexpr Errno kInprogress = 26;
inline constexpr Errno kIntr = 27; inline constexpr Errno kInval = 28; inline constexpr Errno kIo = 29;
inline constexpr Errno kIsconn = 30; inline constexpr Errno kIsdir = 31; inline constexpr Errno kLoop = 32;
inline constexpr Errno kMfile = 33; inline constexpr Errno kMlink = 34; inline constexpr Errno kMsgsize = 35;
inline constexpr Errno kMultihop = 36; inline constexpr Errno kNametoolong = 37; inline constexpr Errno kNetdown = 38;
inline constexpr Errno kNetreset = 39; inline constexpr Errno kNetunreach = 40; inline constexpr Errno kNfile = 41;
inline constexpr Errno kNobufs = 42; inline constexpr Errno kNodev = 43; inline constexpr Errno kNoent = 44;
inline constexpr Errno kNoexec = 45; inline constexpr Errno kNolck = 46; inline constexpr Errno kNolink = 47;
inline constexpr Errno kNomem = 48; inline constexpr Errno kNomsg = 49; inline constexpr Errno kNoprotoopt = 50;
inline constexpr Errno kNospc = 51; inline constexpr Errno kNosys = 52; inline constexpr Errno kNotconn = 53;
inline constexpr Errno kNotdir = 54; inline constexpr Errno kNotempty = 55; inline constexpr Errno kNotrecoverable = 56;
inline constexpr Errno kNotsock = 57; inline constexpr Errno kNotsup = 58; inline constexpr Errno kNotty = 59;
inline constexpr Errno kNxio = 60; inline constexpr Errno kOverflow = 61; inline constexpr Errno kOwnerdead = 62;
inline constexpr Errno kPerm = 63; inline constexpr Errno kPipe = 64; inline constexpr Errno kProto = 65;
inline constexpr Errno kProtonosupport = 66; inline constexpr Errno kPrototype = 67; inline constexpr Errno kRange = 68;
inline constexpr Errno kRofs = 69; inline constexpr Errno kSpipe = 70; inline constexpr Errno kSrch = 71;
inline constexpr Errno kStale = 72; inline constexpr Errno kTimedout = 73; inline constexpr Errno kTxtbsy = 74;
inline constexpr Errno kXdev = 75; inline constexpr Errno kNotcapable = 76;

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
// wasi_unstable numbers them in another order.
enum : uint8_t { kUnstableWhenceCur = 0, kUnstableWhenceEnd = 1, kUnstableWhenceSet = 2 };
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
// wasi_unstable's filestat has a 32-bit nlink: { u64 dev @0; u64 ino @8;
//   u8 filetype @16; u32 nlink @20; u64 size @24; u64 atim @32; u64 mtim @40; u64 ctim @48 }
constexpr uint32_t kUnstableFilestatSize = 56;

// dirent: { u64 d_next @0; u64 d_ino @8; u32 d_namlen @16; u8 d_type @20 }, then the name
constexpr uint32_t kDirentSize = 24;

// prestat: { u8 tag @0; u32 pr_name_len @4 }
constexpr uint32_t kPrestatSize = 8;

// subscription: { u64 userdata @0; u8 tag @8; union @16:
//   clock { u32 id @16; u64 timeout @24; u64 precision @32; u16 flags @40 }
//   fd_read / fd_write { u32 fd @16 } }
constexpr uint32_t kSubscriptionSize = 48;
// wasi_unstable's clock subscription starts with a u64 `identifier`, which
// moves the other fields by 8: { u64 identifier @16; u32 id @24;
//   u64 timeout @32; u64 precision @40; u16 flags @48 } (fd_read / fd_write
// unchanged).
constexpr uint32_t kUnstableSubscriptionSize = 56;

// event: { u64 userdata @0; u16 error @8; u8 type @10;
//          fd_readwrite { u64 nbytes @16; u16 flags @24 } }
constexpr uint32_t kEventSize = 32;

}  // namespace wasmslot::wasi
