#include "jack-messages.h"

#include <jack/jack.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace omega13 {
namespace {

// libjack may report from any of its threads, the real-time one included, so the handler must not
// allocate or block: a fixed buffer behind a try-lock. A message that arrives while another is being
// stored or read is dropped; they are only ever used as hints in error messages. The first messages are
// kept rather than the last: libjack's first complaint names the cause, the later ones are its cleanup.
constexpr size_t kLogSize = 4096;
char errorLog[kLogSize] = {0};
size_t logLength = 0;
std::atomic_flag busy = ATOMIC_FLAG_INIT;
bool verbose = false;

void onError(const char* message) {
	// Debugging aid only: stdio locks, which the real-time thread must not do in normal running.
	if (verbose) {
		std::fprintf(stderr, "jack: %s\n", message);
	}
	if (busy.test_and_set(std::memory_order_acquire)) {
		return;
	}
	const size_t length = std::strlen(message);
	if (logLength + length + 2 <= kLogSize) {
		std::memcpy(errorLog + logLength, message, length);
		logLength += length;
		errorLog[logLength++] = '\n';
		errorLog[logLength] = '\0';
	}
	busy.clear(std::memory_order_release);
}

void onInfo(const char* message) {
	if (verbose) {
		std::fprintf(stderr, "jack: %s\n", message);
	}
}

}  // namespace

void installJackMessageHandlers() {
	const char* flag = std::getenv("OMEGA13_JACK_VERBOSE");
	verbose = flag != nullptr && flag[0] != '\0' && std::strcmp(flag, "0") != 0;
	jack_set_error_function(onError);
	jack_set_info_function(onInfo);
}

std::string jackErrors() {
	// The JS thread can afford to wait for a writer that is in the middle of a strncpy.
	while (busy.test_and_set(std::memory_order_acquire)) {
	}
	std::string copy(errorLog, logLength);
	busy.clear(std::memory_order_release);
	return copy;
}

void clearJackErrors() {
	while (busy.test_and_set(std::memory_order_acquire)) {
	}
	logLength = 0;
	errorLog[0] = '\0';
	busy.clear(std::memory_order_release);
}

}  // namespace omega13
