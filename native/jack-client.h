// The JS-facing JACK client: opens the client, registers ports, owns the RealtimeState, and answers the
// JS thread's calls. Every method here runs on the JS thread.
#pragma once

#include <napi.h>

#include <memory>
#include <string>

#include "realtime-state.h"

namespace omega13 {

class JackClientWrap : public Napi::ObjectWrap<JackClientWrap> {
public:
	static Napi::Function Define(Napi::Env env);

	explicit JackClientWrap(const Napi::CallbackInfo& info);
	~JackClientWrap() override;

private:
	Napi::Value Info(const Napi::CallbackInfo& info);
	Napi::Value Read(const Napi::CallbackInfo& info);
	Napi::Value Write(const Napi::CallbackInfo& info);
	Napi::Value WritableFrames(const Napi::CallbackInfo& info);
	Napi::Value Stats(const Napi::CallbackInfo& info);
	Napi::Value Anchor(const Napi::CallbackInfo& info);
	Napi::Value TakeGaps(const Napi::CallbackInfo& info);
	Napi::Value PeriodFrames(const Napi::CallbackInfo& info);
	Napi::Value Ports(const Napi::CallbackInfo& info);
	Napi::Value Connections(const Napi::CallbackInfo& info);
	Napi::Value Connect(const Napi::CallbackInfo& info);
	Napi::Value Disconnect(const Napi::CallbackInfo& info);
	Napi::Value Dispose(const Napi::CallbackInfo& info);

	// Throws JACK_CLIENT_CLOSED after dispose; `needServer` also throws it after the server shut down.
	RealtimeState& checkOpen(Napi::Env env, bool needServer);
	jack_port_t* portByName(Napi::Env env, const std::string& name);
	// Closes the libjack client but keeps the rings and counters (what arrived stays readable).
	void releaseClient();
	void close();
	static void onEnvTeardown(void* self);
	// Before a new open: releases this env's clients whose server died, and refuses a second server.
	static void prepareOpen(Napi::Env env, const std::string& server);

	std::unique_ptr<RealtimeState> state_;
	jack_client_t* client_ = nullptr;
	std::string name_;
	// The server this client joined, resolved as libjack does ($JACK_DEFAULT_SERVER, else "default").
	std::string server_;
	napi_env env_ = nullptr;
	bool cleanupHookRegistered_ = false;
};

}  // namespace omega13
