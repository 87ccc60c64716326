// A single-producer single-consumer queue of the gaps in the input stream: stretches JACK went through
// without our frames reaching the ring (cycles we were not run for, periods dropped because the ring was
// full). The real-time thread pushes, the JS thread pops; same index protocol as SpscFrameRing.
//
// A gap is published before the frames that follow it, so a reader that has read the frame after a gap
// has seen the gap (release on head here happens before the frame ring's release on its head).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace omega13 {

// Why frames are missing (the JS side names them).
constexpr uint32_t kGapMissedCycles = 1;  // the server ran cycles without running us (we were stalled)
constexpr uint32_t kGapRingOverflow = 2;  // we ran, but the reader had left no room in the ring

struct Gap {
	// The frame index (as the frame ring counts them) the gap comes before.
	uint64_t atFrame = 0;
	uint64_t frames = 0;
	uint32_t cause = 0;
};

class SpscGapRing {
public:
	// One gap at most per period that reaches the ring, and the reader drains every few dozen ms: 4096
	// is far more than can pile up (a full ring takes no gaps: nothing reaches it).
	static constexpr size_t kCapacity = 4096;
	static_assert((kCapacity & (kCapacity - 1)) == 0, "a power of two, so a slot is index & mask");

	// Producer (real-time thread). False when full (the caller keeps the gap and tries again).
	// Real-time safe: no allocation, no lock, no system call.
	bool push(const Gap& gap) {
		const uint64_t head = head_.load(std::memory_order_relaxed);
		if (head - tail_.load(std::memory_order_acquire) == kCapacity) {
			return false;
		}
		slots_[head & (kCapacity - 1)] = gap;
		head_.store(head + 1, std::memory_order_release);
		return true;
	}

	// Consumer (JS thread). False when empty.
	bool pop(Gap& out) {
		const uint64_t tail = tail_.load(std::memory_order_relaxed);
		if (head_.load(std::memory_order_acquire) == tail) {
			return false;
		}
		out = slots_[tail & (kCapacity - 1)];
		tail_.store(tail + 1, std::memory_order_release);
		return true;
	}

private:
	// Value-initialised with the state (before activation), so the real-time thread never first-touches a page.
	std::array<Gap, kCapacity> slots_{};
	std::atomic<uint64_t> head_{0};
	std::atomic<uint64_t> tail_{0};
};

}  // namespace omega13
