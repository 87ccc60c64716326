// Everything JACK's callbacks touch, allocated before the client is activated and freed only after it
// is closed, so no callback can ever see it half-built or gone.
#pragma once

#include <jack/jack.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "cycle-clock.h"
#include "gap-ring.h"
#include "spsc-ring.h"

namespace omega13 {

constexpr size_t kShutdownReasonSize = 512;

struct RealtimeState {
	RealtimeState(unsigned inputs, unsigned outputs, size_t ringFrames, uint32_t sampleRate, uint32_t periodFrames);

	jack_client_t* client = nullptr;
	std::vector<jack_port_t*> inputPorts;
	std::vector<jack_port_t*> outputPorts;
	// Scratch arrays for the port buffer pointers, sized once here: the process callback only fills them.
	std::vector<const float*> inputPlanes;
	std::vector<float*> outputPlanes;

	SpscFrameRing input;
	SpscFrameRing output;
	CycleClock clock;
	SpscGapRing gaps;

	// Single writer each (the thread named), read by JS: relaxed is enough for plain counters.
	std::atomic<uint64_t> framesCaptured{0};  // process thread: every frame JACK handed us
	std::atomic<uint64_t> droppedFrames{0};   // process thread: frames thrown away because the input ring was full
	std::atomic<uint64_t> missedFrames{0};    // process thread: frames of cycles the server ran without us
	std::atomic<uint64_t> underrunFrames{0};  // process thread: silence played because the output ring ran dry
	std::atomic<uint64_t> xruns{0};           // JACK's notification thread
	std::atomic<uint64_t> graphVersion{0};    // JACK's notification thread: ports (un)registered, (dis)connected
	std::atomic<uint32_t> sampleRate;
	std::atomic<uint32_t> periodFrames;

	// Written once by the shutdown callback, then published by `shutDown` (release); JS reads the reason
	// only after seeing the flag (acquire).
	char shutdownReason[kShutdownReasonSize] = {0};
	std::atomic<bool> shutDown{false};
	std::atomic_flag shutdownClaimed = ATOMIC_FLAG_INIT;

	// Process-thread private: underruns count only once something was played (the ring starts empty).
	bool outputStarted = false;
	// Process-thread private: the server's frame time the next cycle should have, to see cycles we missed.
	bool frameTimeKnown = false;
	jack_nframes_t expectedFrameTime = 0;
	// Process-thread private: gaps not yet published (they go before the next frames that reach the ring).
	uint64_t pendingMissed = 0;
	uint64_t pendingOverflow = 0;
};

// Installs every callback on `state.client` (before jack_activate). Returns 0 or the first failing code.
int installCallbacks(RealtimeState& state);

}  // namespace omega13
