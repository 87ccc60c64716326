// omega13_jack: a JACK client whose real-time side never calls into JS (see realtime-state.cc).
#include <napi.h>

#include <jack/jack.h>

#include "jack-client.h"
#include "jack-errors.h"
#include "jack-messages.h"

namespace {

Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
	if (info.Length() < 1 || !info[0].IsFunction()) {
		throw Napi::TypeError::New(info.Env(), "Expected the error class to be a function");
	}
	omega13::setErrorClass(info.Env(), info[0].As<Napi::Function>());
	return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
	omega13::installJackMessageHandlers();
	exports.Set("JackClient", omega13::JackClientWrap::Define(env));
	exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
	// jack_client_name_size() counts the terminating NUL.
	exports.Set("maxClientNameLength", Napi::Number::New(env, jack_client_name_size() - 1));
	exports.Set("maxPortNameLength", Napi::Number::New(env, jack_port_name_size() - 1));
	return exports;
}

}  // namespace

NODE_API_MODULE(omega13_jack, Init)
