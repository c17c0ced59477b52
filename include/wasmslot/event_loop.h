/// @file
/// The runtime's event loop (ASYNC.md, "The event loop").
///
/// One loop per runtime, single-threaded like a JavaScript event loop: every
/// task runs on the thread that calls run() / run_once(), one after another,
/// never nested. It holds
///   - the ready queue: tasks to run as soon as possible, first in first out
///     (settled slots schedule their continuation here, so the order in which
///     calls resume is the order in which their slots settled);
///   - timers: tasks to run once a deadline has passed, earliest first, and in
///     the order they were scheduled when deadlines are equal;
///   - the post box: the only part other threads may touch. post() takes a
///     mutex and wakes the loop through a condition variable; the loop moves
///     posted tasks to its ready queue. This is how a worker thread settles a
///     slot: it posts a task that calls resolve on the loop's thread.
///   - keep-alive tokens: "some thread will post something later". run()
///     returns when nothing is left to do; a token tells it to wait instead.
///   - descriptor watches: tasks to run once a host file descriptor is ready
///     (a pipe or terminal has input, ...). While there are watches, the loop
///     waits in poll(2) on them and on a pipe of its own that post() and the
///     release of a token write to, instead of on the condition variable; and
///     it checks them on every turn, so a busy loop does not starve them.
///
/// The post box is shared (a shared_ptr) with the keep-alive tokens: a worker
/// that still holds a token when the loop is destroyed posts into a closed box,
/// and its task is dropped instead of touching freed memory.
///
/// The ready queue is a ring buffer that keeps its capacity: in a steady state
/// (a call suspending and resuming over and over) scheduling a task allocates
/// nothing, as long as the task's captures fit std::function's inline buffer
/// (two pointers).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace wasmslot {

/// The event loop of one runtime (see the file comment).
class EventLoop {
 public:
  using Task = std::function<void()>;       ///< a unit of work, run on the loop's thread
  using Clock = std::chrono::steady_clock;  ///< the clock of timers (monotonic)
  using TimerId = uint64_t;                 ///< names a timer, for cancel(); never 0

  EventLoop();  ///< an idle loop: no task, no timer, no watch
  /// Closes the post box: tasks posted and not yet run, and any posted later,
  /// are dropped.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;             ///< not copyable: tokens point to its post box
  EventLoop& operator=(const EventLoop&) = delete;  ///< not copyable: tokens point to its post box

  // --- Loop thread only --------------------------------------------------
  /// Runs `fn` after the tasks already ready (ready queue, FIFO).
  void defer(Task fn);
  /// Runs `fn` once `delay` has passed. The id cancels it.
  TimerId after(std::chrono::milliseconds delay, Task fn);
  /// Runs `fn` once `deadline` has passed. The id cancels it.
  TimerId at(Clock::time_point deadline, Task fn);
  /// Cancels a timer that has not fired: true if it was still scheduled.
  bool cancel(TimerId id);

  /// Runs tasks until the loop is idle: no ready task, no timer, no posted
  /// task and no keep-alive token. Returns the number of tasks run. Calling it
  /// from inside a task is refused (returns 0): tasks never nest.
  size_t run();
  /// One turn: runs the tasks ready now (posted ones and due timers included).
  /// If none is ready, first waits up to `timeout` for one (a post, a timer).
  /// Returns the number of tasks run (0 on timeout, or when called re-entrantly).
  size_t run_once(std::chrono::milliseconds timeout = std::chrono::milliseconds::zero());
  /// Asks run() to return after the current task (the queues are kept).
  void stop();

  using WatchId = uint64_t;  ///< names a watch, for unwatch(); never 0
  /// Runs `fn` once host descriptor `fd` is readable (or writable): what
  /// poll(2) reports as POLLIN (POLLOUT), or POLLHUP, POLLERR, POLLNVAL, so
  /// the end of the input and errors count as ready too. A watch fires once;
  /// it keeps run() waiting, like a timer. Returns 0, and watches nothing, if
  /// the loop cannot make its wake-up pipe (no descriptor left).
  WatchId watch_readable(int fd, Task fn);
  /// As watch_readable, for writable (POLLOUT).
  WatchId watch_writable(int fd, Task fn);
  /// Forgets a watch that has not fired: true if it was still there.
  bool unwatch(WatchId id);

  bool idle() const;               ///< nothing ready, no timer, no watch, nothing posted, no token
  size_t timers() const { return timer_ids_.size(); }  ///< timers scheduled and not fired
  size_t watches() const { return watches_.size(); }  ///< watches not fired
  size_t ready() const { return ready_.size(); }  ///< tasks in the ready queue
  bool running() const { return running_; }  ///< whether run() or run_once() is running a turn now

  // --- Any thread ------------------------------------------------------------
  /// Queues `fn` to run on the loop's thread and wakes the loop.
  void post(Task fn);

  struct PostBox;  ///< the part other threads touch (defined below)

  /// A keep-alive token: while one exists, run() waits for posts instead of
  /// returning. Give one to a worker thread that will post a settlement later;
  /// it can post through the token itself, which stays safe even if the loop
  /// is gone by then (the task is dropped).
  class KeepAlive {
   public:
    /// An empty token, keeping nothing alive.
    KeepAlive() = default;
    /// A token on the loop of `box`.
    explicit KeepAlive(std::shared_ptr<PostBox> box);
    KeepAlive(KeepAlive&& o) noexcept = default;          ///< takes over `o`'s token
    KeepAlive& operator=(KeepAlive&& o) noexcept;         ///< releases this token, takes over `o`'s
    KeepAlive(const KeepAlive& o) : KeepAlive(o.box_) {}  ///< another token on the same loop
    /// Another token on the same loop, releasing this one.
    KeepAlive& operator=(const KeepAlive& o) { return *this = KeepAlive(o); }
    ~KeepAlive() { reset(); }  ///< releases the token
    /// Releases the token (run() may then return); the token is empty after.
    void reset();
    /// Queues `fn` on the loop, like EventLoop::post; false (and `fn` dropped)
    /// if the token is empty or the loop was destroyed.
    bool post(Task fn) const;

   private:
    std::shared_ptr<PostBox> box_;
  };
  KeepAlive keep_alive() { return KeepAlive(box_); }  ///< a new token on this loop

 private:
  // A FIFO of tasks in one growing array: push and pop never allocate once
  // the array is as large as the longest queue seen.
  class TaskRing {
   public:
    bool empty() const { return size_ == 0; }
    size_t size() const { return size_; }
    void push(Task t);
    Task pop();

   private:
    std::vector<Task> buf_;  // capacity a power of two (or 0)
    size_t head_ = 0, size_ = 0;
  };

  // Moves posted tasks, due timers and ready watches to the ready queue.
  void collect();
  size_t run_ready();
  // Waits, with `lock` (the post box's) held, for a post or a token's release
  // until `until` (no limit: nullopt), and for a watched descriptor.
  void wait(std::unique_lock<std::mutex>& lock, std::optional<Clock::time_point> until);
  // poll(2) on the watched descriptors and the wake-up pipe, up to
  // `timeout_ms` (-1: no limit); the tasks of the ready watches join the
  // ready queue, in the order they were watched.
  void poll_watches(int timeout_ms);
  WatchId watch(int fd, short events, Task fn);

  // Loop-thread state.
  TaskRing ready_;
  struct TimerKey {
    Clock::time_point deadline;
    TimerId id;  // increasing: equal deadlines fire in scheduling order
    bool operator<(const TimerKey& o) const {
      return deadline != o.deadline ? deadline < o.deadline : id < o.id;
    }
  };
  std::map<TimerKey, Task> timers_;
  std::unordered_map<TimerId, Clock::time_point> timer_ids_;
  TimerId next_timer_ = 1;
  struct Watch {
    int fd;
    short events;  // POLLIN or POLLOUT
    Task fn;
  };
  std::map<WatchId, Watch> watches_;  // ordered: ready ones fire in watching order
  WatchId next_watch_ = 1;
  int wake_read_ = -1;  // the wake-up pipe's read end, made with the first watch
  bool running_ = false;
  bool stop_ = false;

  // Shared with other threads and with keep-alive tokens.
  std::shared_ptr<PostBox> box_;
};

/// The part of a loop other threads touch, all under `mutex`.
struct EventLoop::PostBox {
  std::mutex mutex;              ///< guards everything here but has_posts
  std::condition_variable wake;  ///< wakes the loop when it watches no descriptor
  std::deque<Task> posted;       ///< posted tasks, not yet moved to the ready queue
  size_t keep_alive = 0;         ///< keep-alive tokens that exist
  bool closed = false;           ///< the loop was destroyed: posts are dropped
  int wake_write = -1;           ///< the wake-up pipe of descriptor watching, if made
  /// `posted` is not empty. Read without the mutex, it lets a turn of the loop
  /// skip locking when nothing was posted (the common case); a post it misses
  /// is seen under the mutex before the loop waits.
  std::atomic<bool> has_posts{false};
  /// Queues `fn` and wakes the loop: false, and `fn` dropped, once the box
  /// is closed.
  bool post(Task fn);
  /// With `mutex` held: writes a byte to the wake-up pipe, if there is one.
  void wake_pipe();
};

}  // namespace wasmslot
