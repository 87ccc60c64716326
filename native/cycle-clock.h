// The link between frame indices and wall-clock time, published once per JACK cycle through a seqlock.
//
// The writer (real-time thread) never waits: it makes the sequence odd, stores the pair, makes it even
// again. The reader (JS thread) retries while the sequence is odd or changed under it. Every field is an
// atomic (relaxed) so the torn reads the retry throws away are not data races in the C++ sense.
#pragma once

#include <atomic>
#include <cstdint>
#include <sched.h>

namespace omega13 {

struct CycleAnchor {
	// Wall-clock time (CLOCK_REALTIME, microseconds since the epoch) at which `frame` was captured.
	int64_t wallMicros = 0;
	// Absolute index of that frame in the delivered stream (what the JS side has read or will read).
	uint64_t frame = 0;
	// False until the first cycle ran.
	bool valid = false;
};

class CycleClock {
public:
	static_assert(std::atomic<int64_t>::is_always_lock_free && std::atomic<uint32_t>::is_always_lock_free,
		"the real-time side needs lock-free atomics");

	// Real-time thread only (single writer). No allocation, no lock, no system call.
	void publish(int64_t wallMicros, uint64_t frame) {
		const uint32_t seq = sequence_.load(std::memory_order_relaxed);
		sequence_.store(seq + 1, std::memory_order_relaxed);
		// Orders the odd sequence before the field stores (a reader that sees a new field sees odd or changed).
		std::atomic_thread_fence(std::memory_order_release);
		wallMicros_.store(wallMicros, std::memory_order_relaxed);
		frame_.store(frame, std::memory_order_relaxed);
		sequence_.store(seq + 2, std::memory_order_release);
	}

	// JS thread. The writer holds the sequence odd for a few stores only; if it was preempted right there
	// the reader yields instead of burning its core.
	CycleAnchor read() const {
		for (unsigned attempt = 0;; attempt++) {
			const uint32_t before = sequence_.load(std::memory_order_acquire);
			if ((before & 1u) == 0) {
				CycleAnchor anchor;
				anchor.wallMicros = wallMicros_.load(std::memory_order_relaxed);
				anchor.frame = frame_.load(std::memory_order_relaxed);
				std::atomic_thread_fence(std::memory_order_acquire);
				if (sequence_.load(std::memory_order_relaxed) == before) {
					anchor.valid = before != 0;
					return anchor;
				}
			}
			if (attempt > 64) {
				sched_yield();
			}
		}
	}

private:
	std::atomic<uint32_t> sequence_{0};
	std::atomic<int64_t> wallMicros_{0};
	std::atomic<uint64_t> frame_{0};
};

}  // namespace omega13
