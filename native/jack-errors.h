// Every failure reaches JS as a JackError with a named code (the class is handed over by the TS wrapper
// through setErrorClass, so `instanceof JackError` holds for errors made here).
#pragma once

#include <napi.h>

#include <string>

namespace omega13 {

struct ErrorCodes {
	static constexpr const char* noServer = "JACK_NO_SERVER";
	static constexpr const char* nameTaken = "JACK_NAME_TAKEN";
	static constexpr const char* openFailed = "JACK_OPEN_FAILED";
	static constexpr const char* portNotFound = "JACK_PORT_NOT_FOUND";
	static constexpr const char* connectFailed = "JACK_CONNECT_FAILED";
	static constexpr const char* portRegisterFailed = "JACK_PORT_REGISTER_FAILED";
	static constexpr const char* activateFailed = "JACK_ACTIVATE_FAILED";
	static constexpr const char* clientClosed = "JACK_CLIENT_CLOSED";
	static constexpr const char* invalidArgument = "JACK_INVALID_ARGUMENT";
};

void setErrorClass(Napi::Env env, Napi::Function errorClass);

// Builds the error; `throw jackError(...)` hands it to JS (C++ exceptions are on for this addon).
Napi::Error jackError(Napi::Env env, const char* code, const std::string& message);

// " (JACK said: <its first complaint>)" when libjack reported something since the last clearJackErrors(),
// else "".
std::string jackSaid();

// libjack reported something containing `text` since the last clearJackErrors().
bool jackErrorsMention(const char* text);

}  // namespace omega13
