#include "realtime-state.h"

#include <time.h>

#include <algorithm>
#include <cstring>

namespace omega13 {

RealtimeState::RealtimeState(unsigned inputs, unsigned outputs, size_t ringFrames, uint32_t rate, uint32_t period)
	: inputPorts(inputs, nullptr),
	  outputPorts(outputs, nullptr),
	  inputPlanes(inputs, nullptr),
	  outputPlanes(outputs, nullptr),
	  input(inputs > 0 ? ringFrames : 1, inputs),
	  output(outputs > 0 ? ringFrames : 1, outputs),
	  sampleRate(rate),
	  periodFrames(period) {}

namespace {

int64_t realtimeMicros() {
	timespec now;
	// The one system call allowed on the real-time thread; with the vDSO it does not enter the kernel.
	clock_gettime(CLOCK_REALTIME, &now);
	return static_cast<int64_t>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
}

// Real-time thread. The server's frame counter moves on every cycle whether or not we were run (a
// stalled process, an async server that skipped a late client): a jump is audio we never saw.
void noteMissedCycles(RealtimeState& state, jack_nframes_t nframes) {
	const jack_nframes_t frameTime = jack_last_frame_time(state.client);
	if (state.frameTimeKnown) {
		// Unsigned arithmetic: right across the counter's wrap (about a day at 48 kHz). A jump backwards
		// (a restarted clock) shows as a huge value and is not a gap.
		const jack_nframes_t missed = frameTime - state.expectedFrameTime;
		if (missed != 0 && missed < 0x80000000u) {
			state.pendingMissed += missed;
			state.missedFrames.store(state.missedFrames.load(std::memory_order_relaxed) + missed, std::memory_order_relaxed);
		}
	}
	state.frameTimeKnown = true;
	state.expectedFrameTime = frameTime + nframes;
}

// Real-time thread: the gaps waiting before the next frame that reaches the ring. A full gap queue (the
// reader gone for minutes) keeps them pending: they are then told later than where they belong, but
// their length is never lost.
void publishPendingGaps(RealtimeState& state) {
	const uint64_t at = state.input.writtenFrames();
	if (state.pendingMissed > 0 && state.gaps.push(Gap{at, state.pendingMissed, kGapMissedCycles})) {
		state.pendingMissed = 0;
	}
	if (state.pendingOverflow > 0 && state.gaps.push(Gap{at, state.pendingOverflow, kGapRingOverflow})) {
		state.pendingOverflow = 0;
	}
}

// Runs on JACK's real-time thread once per period. HAZARDS: no allocation (no new, no std::vector growth,
// no std::string), no locks (no mutex, no printf, no N-API: JS is never called from here), no blocking
// system call. Everything it touches was allocated before activation; its work is bounded by nframes.
int onProcess(jack_nframes_t nframes, void* arg) {
	auto& state = *static_cast<RealtimeState*>(arg);

	// Wall time of the first frame of this period. jack_get_cycle_times gives JACK's smoothed (DLL) cycle
	// start on its own clock, so the anchor does not jitter with how late this thread woke up; the buffer
	// JACK hands us was captured during the period before that start.
	int64_t wallMicros = realtimeMicros();
	const jack_time_t jackNow = jack_get_time();
	jack_nframes_t cycleFrames;
	jack_time_t cycleStart;
	jack_time_t nextCycleStart;
	float periodMicros;
	if (jack_get_cycle_times(state.client, &cycleFrames, &cycleStart, &nextCycleStart, &periodMicros) == 0 &&
		jackNow >= cycleStart && jackNow - cycleStart < 1000000) {
		wallMicros -= static_cast<int64_t>(jackNow - cycleStart);
	}
	const uint32_t rate = state.sampleRate.load(std::memory_order_relaxed);
	if (rate > 0) {
		wallMicros -= static_cast<int64_t>(nframes) * 1000000 / rate;
	}

	if (!state.inputPorts.empty()) {
		noteMissedCycles(state, nframes);
		state.clock.publish(wallMicros, state.input.writtenFrames());
		for (size_t c = 0; c < state.inputPorts.size(); c++) {
			state.inputPlanes[c] = static_cast<const float*>(jack_port_get_buffer(state.inputPorts[c], nframes));
		}
		// Never wait for the reader: when it is that far behind, drop the whole period so the gap falls on
		// a period boundary, and count it. Room only grows under us (the reader only frees), so a period
		// that fits now fits at the push, and the gaps before it are published first.
		if (state.input.writableFrames() >= nframes) {
			publishPendingGaps(state);
			state.input.pushPlanar(state.inputPlanes.data(), nframes);
		} else {
			state.pendingOverflow += nframes;
			state.droppedFrames.store(state.droppedFrames.load(std::memory_order_relaxed) + nframes, std::memory_order_relaxed);
		}
	}
	state.framesCaptured.store(state.framesCaptured.load(std::memory_order_relaxed) + nframes, std::memory_order_relaxed);

	if (!state.outputPorts.empty()) {
		for (size_t c = 0; c < state.outputPorts.size(); c++) {
			state.outputPlanes[c] = static_cast<float*>(jack_port_get_buffer(state.outputPorts[c], nframes));
		}
		const size_t played = state.output.popPlanar(state.outputPlanes.data(), nframes);
		if (played < nframes) {
			for (float* plane : state.outputPlanes) {
				std::fill(plane + played, plane + nframes, 0.0f);
			}
			if (state.outputStarted) {
				state.underrunFrames.store(
					state.underrunFrames.load(std::memory_order_relaxed) + (nframes - played), std::memory_order_relaxed);
			}
		}
		if (played > 0) {
			state.outputStarted = true;
		}
	}
	return 0;
}

// The callbacks below run on JACK's notification thread (not real-time, but still never JS).

int onXrun(void* arg) {
	static_cast<RealtimeState*>(arg)->xruns.fetch_add(1, std::memory_order_relaxed);
	return 0;
}

void bumpGraph(void* arg) {
	static_cast<RealtimeState*>(arg)->graphVersion.fetch_add(1, std::memory_order_release);
}

void onPortRegistration(jack_port_id_t, int, void* arg) { bumpGraph(arg); }
void onPortConnect(jack_port_id_t, jack_port_id_t, int, void* arg) { bumpGraph(arg); }
void onClientRegistration(const char*, int, void* arg) { bumpGraph(arg); }
void onPortRename(jack_port_id_t, const char*, const char*, void* arg) { bumpGraph(arg); }

int onBufferSize(jack_nframes_t frames, void* arg) {
	static_cast<RealtimeState*>(arg)->periodFrames.store(frames, std::memory_order_relaxed);
	return 0;
}

int onSampleRate(jack_nframes_t rate, void* arg) {
	static_cast<RealtimeState*>(arg)->sampleRate.store(rate, std::memory_order_relaxed);
	return 0;
}

// May run on any libjack thread, the real-time one included: copies into the preallocated buffer only.
void onShutdown(jack_status_t, const char* reason, void* arg) {
	auto& state = *static_cast<RealtimeState*>(arg);
	if (state.shutdownClaimed.test_and_set(std::memory_order_acq_rel)) {
		return;
	}
	const char* text = reason != nullptr && reason[0] != '\0' ? reason : "the JACK server shut down";
	std::strncpy(state.shutdownReason, text, kShutdownReasonSize - 1);
	state.shutdownReason[kShutdownReasonSize - 1] = '\0';
	state.shutDown.store(true, std::memory_order_release);
}

}  // namespace

int installCallbacks(RealtimeState& state) {
	jack_client_t* client = state.client;
	void* arg = &state;
	int code = jack_set_process_callback(client, onProcess, arg);
	code = code ? code : jack_set_xrun_callback(client, onXrun, arg);
	code = code ? code : jack_set_port_registration_callback(client, onPortRegistration, arg);
	code = code ? code : jack_set_port_connect_callback(client, onPortConnect, arg);
	code = code ? code : jack_set_client_registration_callback(client, onClientRegistration, arg);
	code = code ? code : jack_set_port_rename_callback(client, onPortRename, arg);
	code = code ? code : jack_set_buffer_size_callback(client, onBufferSize, arg);
	code = code ? code : jack_set_sample_rate_callback(client, onSampleRate, arg);
	if (code == 0) {
		jack_on_info_shutdown(client, onShutdown, arg);
	}
	return code;
}

}  // namespace omega13
