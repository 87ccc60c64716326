// libjack prints its errors and chatter to stderr, which would scribble over the terminal UI. We take
// both over: the errors since the start of the current call are kept (to enrich our own error messages) and nothing is printed unless
// OMEGA13_JACK_VERBOSE is set in the environment.
#pragma once

#include <string>

namespace omega13 {

// Installs the handlers (process-wide in libjack; idempotent).
void installJackMessageHandlers();

// The errors libjack reported since the last clearJackErrors(), one per line (the first ones, up to a
// few kilobytes), or "".
std::string jackErrors();
void clearJackErrors();

}  // namespace omega13
