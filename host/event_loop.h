// The runtime's event loop (ASYNC.md, "The event loop").
//
// One loop per runtime, single-threaded like a JavaScript event loop: every
// task runs on the thread that calls run() / run_once(), one after another,
// never nested. It holds
//   - the ready queue: tasks to run as soon as possible, first in first out
//     (settled slots schedule their continuation here, so the order in which
//     calls resume is the order in which their slots settled);
//   - timers: tasks to run once a deadline has passed, earliest first, and in
//     the order they were scheduled when deadlines are equal;
//   - the post box: the only part other threads may touch. post() takes a
//     mutex and wakes the loop through a condition variable; the loop moves
//     posted tasks to its ready queue. This is how a worker thread settles a
//     slot: it posts a task that calls resolve on the loop's thread.
//   - keep-alive tokens: "some thread will post something later". run()
//     returns when nothing is left to do; a token tells it to wait instead.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace wasmslot {

class EventLoop {
 public:
  using Task = std::function<void()>;
  using Clock = std::chrono::steady_clock;
  using TimerId = uint64_t;

  EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // --- Loop thread only --------------------------------------------------
  // Runs `fn` after the tasks already ready (ready queue, FIFO).
  void defer(Task fn);
  // Runs `fn` once `delay` has passed. The id cancels it.
  TimerId after(std::chrono::milliseconds delay, Task fn);
  TimerId at(Clock::time_point deadline, Task fn);
  // Cancels a timer that has not fired: true if it was still scheduled.
  bool cancel(TimerId id);

  // Runs tasks until the loop is idle: no ready task, no timer, no posted
  // task and no keep-alive token. Returns the number of tasks run. Calling it
  // from inside a task is refused (returns 0): tasks never nest.
  size_t run();
  // One turn: runs the tasks ready now (posted ones and due timers included).
  // If none is ready, first waits up to `timeout` for one (a post, a timer).
  // Returns the number of tasks run (0 on timeout, or when called re-entrantly).
  size_t run_once(std::chrono::milliseconds timeout = std::chrono::milliseconds::zero());
  // Asks run() to return after the current task (the queues are kept).
  void stop();

  bool idle() const;               // nothing ready, no timer, nothing posted, no token
  size_t timers() const { return timer_ids_.size(); }
  size_t ready() const { return ready_.size(); }
  bool running() const { return running_; }

  // --- Any thread ------------------------------------------------------------
  // Queues `fn` to run on the loop's thread and wakes the loop.
  void post(Task fn);

  // A keep-alive token: while one exists, run() waits for posts instead of
  // returning. Give one to a worker thread that will post a settlement later.
  class KeepAlive {
   public:
    KeepAlive() = default;
    explicit KeepAlive(EventLoop* loop);
    KeepAlive(KeepAlive&& o) noexcept : loop_(o.loop_) { o.loop_ = nullptr; }
    KeepAlive& operator=(KeepAlive&& o) noexcept;
    KeepAlive(const KeepAlive& o) : KeepAlive(o.loop_) {}
    KeepAlive& operator=(const KeepAlive& o) { return *this = KeepAlive(o); }
    ~KeepAlive() { reset(); }
    void reset();

   private:
    EventLoop* loop_ = nullptr;
  };
  KeepAlive keep_alive() { return KeepAlive(this); }

 private:
  // Moves posted tasks and due timers to the ready queue.
  void collect(Clock::time_point now);
  size_t run_ready();

  // Loop-thread state.
  std::deque<Task> ready_;
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
  bool running_ = false;
  bool stop_ = false;

  // Shared with other threads, under mutex_.
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> posted_;
  size_t keep_alive_ = 0;
};

}  // namespace wasmslot
