// A single-producer single-consumer ring of interleaved float frames (after ringbuf.js).
//
// One side runs on JACK's real-time thread, the other on the JS thread. Neither ever waits for the
// other: the producer publishes `head` with release after the samples are in place, the consumer
// publishes `tail` with release after it has copied them out, and each reads the other's index with
// acquire. Indices count frames since creation and never wrap in practice (2^64 frames is millions of
// years), so "full" and "empty" need no spare slot: used = head - tail.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace omega13 {

class SpscFrameRing {
public:
	static_assert(std::atomic<uint64_t>::is_always_lock_free, "the real-time side needs lock-free 64-bit atomics");

	// Not real-time safe: allocates. Capacity is rounded up to a power of two so a position is `index & mask`.
	SpscFrameRing(size_t minFrames, unsigned channels) : channels_(channels) {
		size_t capacity = 1;
		while (capacity < minFrames) {
			capacity <<= 1;
		}
		capacity_ = capacity;
		mask_ = capacity - 1;
		// Value-initialising writes every page now, so the real-time thread never takes a first-touch
		// page fault on this memory (it would stall the audio thread inside the kernel).
		samples_.assign(capacity * std::max(channels, 1u), 0.0f);
	}

	size_t capacityFrames() const { return capacity_; }
	unsigned channels() const { return channels_; }

	// Either side: a snapshot that may be stale by the time it is used, never too optimistic for the caller's side.
	size_t readableFrames() const {
		return static_cast<size_t>(head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire));
	}
	size_t writableFrames() const { return capacity_ - readableFrames(); }

	// Total frames ever pushed: the absolute index of the next frame the producer will write.
	uint64_t writtenFrames() const { return head_.load(std::memory_order_acquire); }

	// Producer (real-time thread). Copies `frames` frames from one buffer per channel, interleaving them,
	// all or nothing: a partial period would leave a hole in the middle of the stream instead of at a
	// period boundary. Returns false (and copies nothing) when there is not room for all of them.
	// Real-time safe: no allocation, no lock, no system call; bounded work.
	bool pushPlanar(const float* const* planes, size_t frames) {
		const uint64_t head = head_.load(std::memory_order_relaxed);
		const uint64_t tail = tail_.load(std::memory_order_acquire);
		if (capacity_ - static_cast<size_t>(head - tail) < frames) {
			return false;
		}
		float* const base = samples_.data();
		for (size_t i = 0; i < frames; i++) {
			float* const frame = base + ((head + i) & mask_) * channels_;
			for (unsigned c = 0; c < channels_; c++) {
				frame[c] = planes[c][i];
			}
		}
		head_.store(head + frames, std::memory_order_release);
		return true;
	}

	// Consumer (real-time thread). Fills one buffer per channel with up to `frames` frames and returns how
	// many it took; the caller zero-fills the rest. Real-time safe as pushPlanar.
	size_t popPlanar(float* const* planes, size_t frames) {
		const uint64_t tail = tail_.load(std::memory_order_relaxed);
		const uint64_t head = head_.load(std::memory_order_acquire);
		const size_t take = std::min(frames, static_cast<size_t>(head - tail));
		const float* const base = samples_.data();
		for (size_t i = 0; i < take; i++) {
			const float* const frame = base + ((tail + i) & mask_) * channels_;
			for (unsigned c = 0; c < channels_; c++) {
				planes[c][i] = frame[c];
			}
		}
		tail_.store(tail + take, std::memory_order_release);
		return take;
	}

	// Producer (JS thread). Accepts as many of `frames` interleaved frames as there is room for.
	size_t pushInterleaved(const float* from, size_t frames) {
		const uint64_t head = head_.load(std::memory_order_relaxed);
		const uint64_t tail = tail_.load(std::memory_order_acquire);
		const size_t accept = std::min(frames, capacity_ - static_cast<size_t>(head - tail));
		const size_t ch = channels_;
		float* const ring = samples_.data();
		forEachPiece(head, accept, [=](size_t at, size_t from_, size_t n) {
			std::copy(from + from_ * ch, from + (from_ + n) * ch, ring + at * ch);
		});
		head_.store(head + accept, std::memory_order_release);
		return accept;
	}

	// Consumer (JS thread). Copies out up to `frames` interleaved frames.
	size_t popInterleaved(float* into, size_t frames) {
		const uint64_t tail = tail_.load(std::memory_order_relaxed);
		const uint64_t head = head_.load(std::memory_order_acquire);
		const size_t take = std::min(frames, static_cast<size_t>(head - tail));
		const size_t ch = channels_;
		const float* const ring = samples_.data();
		forEachPiece(tail, take, [=](size_t at, size_t to, size_t n) {
			std::copy(ring + at * ch, ring + (at + n) * ch, into + to * ch);
		});
		tail_.store(tail + take, std::memory_order_release);
		return take;
	}

private:
	// Interleaved on both sides, so a block copy in at most two pieces (before and after the wrap).
	// `copy(ringFrame, externalFrame, frames)` does one piece.
	template <typename Copy>
	void forEachPiece(uint64_t start, size_t frames, Copy copy) const {
		const size_t offset = static_cast<size_t>(start & mask_);
		const size_t first = std::min(frames, capacity_ - offset);
		copy(offset, 0, first);
		if (frames > first) {
			copy(0, first, frames - first);
		}
	}

	size_t capacity_ = 0;
	size_t mask_ = 0;
	unsigned channels_ = 0;
	std::vector<float> samples_;
	// Each index on its own cache line: the two threads write different ones, and sharing a line would
	// bounce it between cores on every period.
	alignas(64) std::atomic<uint64_t> head_{0};
	alignas(64) std::atomic<uint64_t> tail_{0};
};

}  // namespace omega13
