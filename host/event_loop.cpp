#include "host/event_loop.h"

#include <utility>

namespace wasmslot {

void EventLoop::defer(Task fn) { ready_.push_back(std::move(fn)); }

EventLoop::TimerId EventLoop::after(std::chrono::milliseconds delay, Task fn) {
  if (delay.count() < 0) delay = std::chrono::milliseconds::zero();
  return at(Clock::now() + delay, std::move(fn));
}

EventLoop::TimerId EventLoop::at(Clock::time_point deadline, Task fn) {
  TimerId id = next_timer_++;
  timers_.emplace(TimerKey{deadline, id}, std::move(fn));
  timer_ids_.emplace(id, deadline);
  return id;
}

bool EventLoop::cancel(TimerId id) {
  auto it = timer_ids_.find(id);
  if (it == timer_ids_.end()) return false;
  timers_.erase(TimerKey{it->second, id});
  timer_ids_.erase(it);
  return true;
}

void EventLoop::post(Task fn) {
  {
    std::lock_guard lock(mutex_);
    posted_.push_back(std::move(fn));
  }
  wake_.notify_one();
}

EventLoop::KeepAlive::KeepAlive(EventLoop* loop) : loop_(loop) {
  if (!loop_) return;
  std::lock_guard lock(loop_->mutex_);
  ++loop_->keep_alive_;
}

EventLoop::KeepAlive& EventLoop::KeepAlive::operator=(KeepAlive&& o) noexcept {
  if (this != &o) {
    reset();
    loop_ = o.loop_;
    o.loop_ = nullptr;
  }
  return *this;
}

void EventLoop::KeepAlive::reset() {
  if (!loop_) return;
  {
    std::lock_guard lock(loop_->mutex_);
    --loop_->keep_alive_;
  }
  // The loop may be waiting only because of this token: wake it so run() can
  // see that it is idle now.
  loop_->wake_.notify_one();
  loop_ = nullptr;
}

bool EventLoop::idle() const {
  if (!ready_.empty() || !timers_.empty()) return false;
  std::lock_guard lock(mutex_);
  return posted_.empty() && keep_alive_ == 0;
}

void EventLoop::stop() { stop_ = true; }

void EventLoop::collect(Clock::time_point now) {
  {
    std::lock_guard lock(mutex_);
    while (!posted_.empty()) {
      ready_.push_back(std::move(posted_.front()));
      posted_.pop_front();
    }
  }
  // Due timers join the ready queue in deadline order.
  while (!timers_.empty() && timers_.begin()->first.deadline <= now) {
    auto node = timers_.extract(timers_.begin());
    timer_ids_.erase(node.key().id);
    ready_.push_back(std::move(node.mapped()));
  }
}

size_t EventLoop::run_ready() {
  // Only the tasks ready at this moment: a task that defers another one (or a
  // settlement that schedules a continuation) is run in the next turn, after
  // whatever became due meanwhile. That keeps turns short and fair.
  size_t n = ready_.size(), ran = 0;
  while (ran < n && !ready_.empty() && !stop_) {
    Task t = std::move(ready_.front());
    ready_.pop_front();
    ++ran;
    t();
  }
  return ran;
}

size_t EventLoop::run_once(std::chrono::milliseconds timeout) {
  if (running_) return 0;  // a task may not run the loop: tasks never nest
  running_ = true;
  stop_ = false;
  collect(Clock::now());
  if (ready_.empty()) {
    auto limit = Clock::now() + timeout;
    std::unique_lock lock(mutex_);
    for (;;) {
      auto until = limit;
      if (!timers_.empty() && timers_.begin()->first.deadline < until)
        until = timers_.begin()->first.deadline;
      if (!posted_.empty() || Clock::now() >= until) break;
      wake_.wait_until(lock, until);
    }
    lock.unlock();
    collect(Clock::now());
  }
  size_t ran = run_ready();
  running_ = false;
  return ran;
}

size_t EventLoop::run() {
  if (running_) return 0;
  size_t total = 0;
  stop_ = false;
  for (;;) {
    running_ = true;
    collect(Clock::now());
    if (ready_.empty()) {
      // Nothing to run now. Wait for the next timer, a post, or the release
      // of a keep-alive token; with none of them possible, the loop is idle.
      std::unique_lock lock(mutex_);
      if (posted_.empty()) {
        if (timers_.empty() && keep_alive_ == 0) {
          running_ = false;
          return total;
        }
        if (timers_.empty())
          wake_.wait(lock);
        else
          wake_.wait_until(lock, timers_.begin()->first.deadline);
      }
      lock.unlock();
      continue;
    }
    total += run_ready();
    running_ = false;
    if (stop_) {
      stop_ = false;
      return total;
    }
  }
}

}  // namespace wasmslot
