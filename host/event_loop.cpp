#include "wasmslot/event_loop.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

namespace wasmslot {

// ---------------------------------------------------------------------------
// The ready queue

void EventLoop::TaskRing::push(Task t) {
  if (size_ == buf_.size()) {
    // Full: double, moving the tasks to the front of the new array in order.
    std::vector<Task> bigger(buf_.empty() ? 16 : buf_.size() * 2);
    for (size_t i = 0; i < size_; ++i) bigger[i] = std::move(buf_[(head_ + i) & (buf_.size() - 1)]);
    buf_ = std::move(bigger);
    head_ = 0;
  }
  buf_[(head_ + size_) & (buf_.size() - 1)] = std::move(t);
  ++size_;
}

EventLoop::Task EventLoop::TaskRing::pop() {
  Task t = std::move(buf_[head_]);
  buf_[head_] = nullptr;  // release the captures now, not when the cell is reused
  head_ = (head_ + 1) & (buf_.size() - 1);
  --size_;
  return t;
}

// ---------------------------------------------------------------------------

EventLoop::EventLoop() : box_(std::make_shared<PostBox>()) {}

EventLoop::~EventLoop() {
  std::lock_guard lock(box_->mutex);
  box_->closed = true;
  box_->posted.clear();
  // Closed under the mutex: a post from another thread never writes to a
  // descriptor number that may have been reused.
  if (box_->wake_write >= 0) ::close(box_->wake_write);
  box_->wake_write = -1;
  if (wake_read_ >= 0) ::close(wake_read_);
}

void EventLoop::defer(Task fn) { ready_.push(std::move(fn)); }

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

bool EventLoop::PostBox::post(Task fn) {
  {
    std::lock_guard lock(mutex);
    if (closed) return false;
    posted.push_back(std::move(fn));
    has_posts.store(true, std::memory_order_release);
    wake_pipe();
  }
  wake.notify_one();
  return true;
}

void EventLoop::post(Task fn) { box_->post(std::move(fn)); }

EventLoop::KeepAlive::KeepAlive(std::shared_ptr<PostBox> box) : box_(std::move(box)) {
  if (!box_) return;
  std::lock_guard lock(box_->mutex);
  ++box_->keep_alive;
}

EventLoop::KeepAlive& EventLoop::KeepAlive::operator=(KeepAlive&& o) noexcept {
  if (this != &o) {
    reset();
    box_ = std::move(o.box_);
  }
  return *this;
}

void EventLoop::KeepAlive::reset() {
  if (!box_) return;
  {
    std::lock_guard lock(box_->mutex);
    --box_->keep_alive;
    box_->wake_pipe();
  }
  // The loop may be waiting only because of this token: wake it so run() can
  // see that it is idle now.
  box_->wake.notify_one();
  box_.reset();
}

bool EventLoop::KeepAlive::post(Task fn) const { return box_ && box_->post(std::move(fn)); }

void EventLoop::PostBox::wake_pipe() {
  if (wake_write < 0) return;
  char byte = 0;
  (void)!::write(wake_write, &byte, 1);  // full (EAGAIN): the loop is woken already
}

// ---------------------------------------------------------------------------
// Descriptor watches

EventLoop::WatchId EventLoop::watch_readable(int fd, Task fn) { return watch(fd, POLLIN, std::move(fn)); }
EventLoop::WatchId EventLoop::watch_writable(int fd, Task fn) { return watch(fd, POLLOUT, std::move(fn)); }

EventLoop::WatchId EventLoop::watch(int fd, short events, Task fn) {
  if (wake_read_ < 0) {
    int p[2];
    if (::pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0) return 0;
    wake_read_ = p[0];
    std::lock_guard lock(box_->mutex);
    box_->wake_write = p[1];
  }
  WatchId id = next_watch_++;
  watches_.emplace(id, Watch{fd, events, std::move(fn)});
  return id;
}

bool EventLoop::unwatch(WatchId id) { return watches_.erase(id) > 0; }

void EventLoop::poll_watches(int timeout_ms) {
  std::vector<struct pollfd> fds;
  fds.reserve(watches_.size() + 1);
  fds.push_back({wake_read_, POLLIN, 0});
  for (const auto& [id, w] : watches_) fds.push_back({w.fd, w.events, 0});
  if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) return;  // nothing, or EINTR: the caller loops
  if (fds[0].revents) {
    char buf[64];
    while (::read(wake_read_, buf, sizeof buf) > 0) {
    }
  }
  size_t i = 1;
  for (auto it = watches_.begin(); it != watches_.end(); ++i) {
    if (fds[i].revents) {
      ready_.push(std::move(it->second.fn));
      it = watches_.erase(it);
    } else {
      ++it;
    }
  }
}

void EventLoop::wait(std::unique_lock<std::mutex>& lock, std::optional<Clock::time_point> until) {
  if (watches_.empty()) {
    if (until)
      box_->wake.wait_until(lock, *until);
    else
      box_->wake.wait(lock);
    return;
  }
  int timeout_ms = -1;
  if (until) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*until - Clock::now()).count();
    timeout_ms = static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
  }
  // A post between the caller's look at the box and poll() left a byte in
  // the pipe, so it is not missed.
  lock.unlock();
  poll_watches(timeout_ms);
  lock.lock();
}

bool EventLoop::idle() const {
  if (!ready_.empty() || !timers_.empty() || !watches_.empty()) return false;
  std::lock_guard lock(box_->mutex);
  return box_->posted.empty() && box_->keep_alive == 0;
}

void EventLoop::stop() { stop_ = true; }

void EventLoop::collect() {
  if (box_->has_posts.load(std::memory_order_acquire)) {
    std::lock_guard lock(box_->mutex);
    while (!box_->posted.empty()) {
      ready_.push(std::move(box_->posted.front()));
      box_->posted.pop_front();
    }
    box_->has_posts.store(false, std::memory_order_relaxed);
  }
  // Due timers join the ready queue in deadline order. The clock is read only
  // when there are timers: a busy turn without them makes no system call.
  if (!timers_.empty()) {
    const Clock::time_point now = Clock::now();
    while (!timers_.empty() && timers_.begin()->first.deadline <= now) {
      auto node = timers_.extract(timers_.begin());
      timer_ids_.erase(node.key().id);
      ready_.push(std::move(node.mapped()));
    }
  }
  if (!watches_.empty()) poll_watches(0);
}

size_t EventLoop::run_ready() {
  // Only the tasks ready at this moment: a task that defers another one (or a
  // settlement that schedules a continuation) is run in the next turn, after
  // whatever became due meanwhile. That keeps turns short and fair.
  size_t n = ready_.size(), ran = 0;
  while (ran < n && !ready_.empty() && !stop_) {
    Task t = ready_.pop();
    ++ran;
    t();
  }
  return ran;
}

size_t EventLoop::run_once(std::chrono::milliseconds timeout) {
  if (running_) return 0;  // a task may not run the loop: tasks never nest
  running_ = true;
  stop_ = false;
  collect();
  if (ready_.empty()) {
    auto limit = Clock::now() + timeout;
    std::unique_lock lock(box_->mutex);
    for (;;) {
      auto until = limit;
      if (!timers_.empty() && timers_.begin()->first.deadline < until)
        until = timers_.begin()->first.deadline;
      if (!box_->posted.empty() || !ready_.empty() || Clock::now() >= until) break;
      wait(lock, until);
    }
    lock.unlock();
    collect();
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
    collect();
    if (ready_.empty()) {
      // Nothing to run now. Wait for the next timer, a post, or the release
      // of a keep-alive token; with none of them possible, the loop is idle.
      std::unique_lock lock(box_->mutex);
      if (box_->posted.empty()) {
        if (timers_.empty() && watches_.empty() && box_->keep_alive == 0) {
          running_ = false;
          return total;
        }
        wait(lock, timers_.empty() ? std::nullopt : std::optional(timers_.begin()->first.deadline));
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
