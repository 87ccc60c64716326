#include "jack-client.h"

#include <jack/jack.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>

#include "jack-errors.h"
#include "jack-messages.h"

namespace omega13 {
namespace {

constexpr unsigned kMaxPorts = 256;

// libjack (jackd2) keeps one set of process-wide globals for the server it is attached to, shared by all
// clients in the process: clients of two servers at once, or a client of a dead server still open while
// a client of its restarted successor opens, corrupt them (wrong sample rate, then a segfault at close).
// So every open client is registered here (JS threads only; the mutex is for worker threads).
std::mutex registryMutex;
std::set<JackClientWrap*> registry;

std::string resolveServer(const std::string& requested) {
	if (!requested.empty()) {
		return requested;
	}
	const char* fromEnv = std::getenv("JACK_DEFAULT_SERVER");
	return fromEnv != nullptr && fromEnv[0] != '\0' ? fromEnv : "default";
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string statusHex(int status) {
	char buffer[16];
	std::snprintf(buffer, sizeof buffer, "0x%x", status);
	return buffer;
}

[[noreturn]] void throwOpenFailure(Napi::Env env, const std::string& name, const std::string& server, int status) {
	const std::string said = jackSaid();
	const std::string serverText = server.empty() ? "the JACK server" : "the JACK server " + quoted(server);
	// jackd2 does not set JackNameNotUnique for an exact name that is taken: it fails the open with
	// JackServerError and says "Client name = X conflits with another running client" (sic).
	const bool conflict = (status & JackServerError) && (jackErrorsMention("conflits") || jackErrorsMention("conflicts"));
	if ((status & JackNameNotUnique) || conflict) {
		throw jackError(env, ErrorCodes::nameTaken,
			"another JACK client is already called " + quoted(name) + " on " + serverText +
				": choose another name with --jack-name");
	}
	if (status & (JackServerFailed | JackServerError)) {
		throw jackError(env, ErrorCodes::noServer,
			"cannot connect to " + serverText +
				": start one (jackd -d alsa, qjackctl), or use PipeWire's JACK (install pipewire-jack, or run under "
				"pw-jack)" + said);
	}
	if (status & JackVersionError) {
		throw jackError(env, ErrorCodes::openFailed,
			"the JACK server speaks another protocol version than this libjack: install matching jackd and libjack" + said);
	}
	throw jackError(env, ErrorCodes::openFailed,
		"could not open JACK client " + quoted(name) + " (status " + statusHex(status) + ")" + said);
}

std::string stringArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
	if (info.Length() <= index || !info[index].IsString()) {
		throw jackError(info.Env(), ErrorCodes::invalidArgument, std::string("Expected ") + what + " to be a string");
	}
	return info[index].As<Napi::String>().Utf8Value();
}

Napi::Float32Array floatArrayArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
	if (info.Length() <= index || !info[index].IsTypedArray() ||
		info[index].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
		throw jackError(info.Env(), ErrorCodes::invalidArgument, std::string("Expected ") + what + " to be a Float32Array");
	}
	return info[index].As<Napi::Float32Array>();
}

Napi::Array stringList(Napi::Env env, const char** names) {
	Napi::Array list = Napi::Array::New(env);
	if (names != nullptr) {
		for (uint32_t i = 0; names[i] != nullptr; i++) {
			list.Set(i, Napi::String::New(env, names[i]));
		}
		jack_free(names);
	}
	return list;
}

Napi::Array portNames(Napi::Env env, const std::vector<jack_port_t*>& ports) {
	Napi::Array list = Napi::Array::New(env, ports.size());
	for (uint32_t i = 0; i < ports.size(); i++) {
		list.Set(i, Napi::String::New(env, jack_port_name(ports[i])));
	}
	return list;
}

}  // namespace

Napi::Function JackClientWrap::Define(Napi::Env env) {
	return DefineClass(env, "JackClient",
		{
			InstanceMethod<&JackClientWrap::Info>("info"),
			InstanceMethod<&JackClientWrap::Read>("read"),
			InstanceMethod<&JackClientWrap::Write>("write"),
			InstanceMethod<&JackClientWrap::WritableFrames>("writableFrames"),
			InstanceMethod<&JackClientWrap::Stats>("stats"),
			InstanceMethod<&JackClientWrap::Anchor>("anchor"),
			InstanceMethod<&JackClientWrap::TakeGaps>("takeGaps"),
			InstanceMethod<&JackClientWrap::PeriodFrames>("periodFrames"),
			InstanceMethod<&JackClientWrap::Ports>("ports"),
			InstanceMethod<&JackClientWrap::Connections>("connections"),
			InstanceMethod<&JackClientWrap::Connect>("connect"),
			InstanceMethod<&JackClientWrap::Disconnect>("disconnect"),
			InstanceMethod<&JackClientWrap::Dispose>("dispose"),
		});
}

// new JackClient(name, inputs, outputs, serverName, ringSeconds): the TS wrapper has validated them; the
// checks here only keep a direct caller from crashing the process.
JackClientWrap::JackClientWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<JackClientWrap>(info) {
	Napi::Env env = info.Env();
	const std::string name = stringArg(info, 0, "name");
	if (info.Length() < 5 || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsString() || !info[4].IsNumber()) {
		throw jackError(env, ErrorCodes::invalidArgument,
			"Expected (name: string, inputs: number, outputs: number, serverName: string, ringSeconds: number)");
	}
	const int64_t inputs = info[1].As<Napi::Number>().Int64Value();
	const int64_t outputs = info[2].As<Napi::Number>().Int64Value();
	const std::string server = info[3].As<Napi::String>().Utf8Value();
	const double ringSeconds = info[4].As<Napi::Number>().DoubleValue();
	if (inputs < 0 || outputs < 0 || inputs > kMaxPorts || outputs > kMaxPorts || inputs + outputs == 0 ||
		!std::isfinite(ringSeconds) || ringSeconds <= 0 || ringSeconds > 3600) {
		throw jackError(env, ErrorCodes::invalidArgument, "port counts or ring size out of range");
	}

	server_ = resolveServer(server);
	prepareOpen(env, server_);
	clearJackErrors();
	jack_status_t status = static_cast<jack_status_t>(0);
	const int options = JackNoStartServer | JackUseExactName | (server.empty() ? 0 : JackServerName);
	jack_client_t* client = server.empty()
		? jack_client_open(name.c_str(), static_cast<jack_options_t>(options), &status)
		: jack_client_open(name.c_str(), static_cast<jack_options_t>(options), &status, server.c_str());
	if (client == nullptr) {
		throwOpenFailure(env, name, server, status);
	}

	// From here every failure must close the client before throwing.
	const auto fail = [&](const char* code, const std::string& message) {
		const std::string said = jackSaid();
		jack_client_close(client);
		client_ = nullptr;
		state_.reset();
		throw jackError(env, code, message + said);
	};

	name_ = jack_get_client_name(client);
	const uint32_t rate = jack_get_sample_rate(client);
	const uint32_t period = jack_get_buffer_size(client);
	// A ring of at least four periods even for tiny ringSeconds, so one late drain does not drop a period.
	const size_t ringFrames = std::max<size_t>(static_cast<size_t>(std::ceil(ringSeconds * rate)), 4 * size_t{period});
	state_ = std::make_unique<RealtimeState>(
		static_cast<unsigned>(inputs), static_cast<unsigned>(outputs), ringFrames, rate, period);
	state_->client = client;
	client_ = client;

	for (unsigned i = 0; i < inputs; i++) {
		const std::string port = "in_" + std::to_string(i + 1);
		state_->inputPorts[i] = jack_port_register(client, port.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
		if (state_->inputPorts[i] == nullptr) {
			fail(ErrorCodes::portRegisterFailed, "could not register JACK port " + quoted(name_ + ":" + port));
		}
	}
	for (unsigned i = 0; i < outputs; i++) {
		const std::string port = "out_" + std::to_string(i + 1);
		state_->outputPorts[i] = jack_port_register(client, port.c_str(), JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
		if (state_->outputPorts[i] == nullptr) {
			fail(ErrorCodes::portRegisterFailed, "could not register JACK port " + quoted(name_ + ":" + port));
		}
	}
	if (installCallbacks(*state_) != 0) {
		fail(ErrorCodes::activateFailed, "could not install the JACK callbacks for " + quoted(name_));
	}
	if (jack_activate(client) != 0) {
		fail(ErrorCodes::activateFailed, "could not activate JACK client " + quoted(name_));
	}

	env_ = env;
	{
		std::lock_guard<std::mutex> lock(registryMutex);
		registry.insert(this);
	}
	// A client still open when the environment goes away (process exit, worker end) is closed here, so
	// the server does not keep a zombie client and its ports around.
	if (napi_add_env_cleanup_hook(env, onEnvTeardown, this) == napi_ok) {
		cleanupHookRegistered_ = true;
	}
}

JackClientWrap::~JackClientWrap() { close(); }

void JackClientWrap::onEnvTeardown(void* self) {
	auto* wrap = static_cast<JackClientWrap*>(self);
	wrap->cleanupHookRegistered_ = false;
	wrap->close();
}

void JackClientWrap::prepareOpen(Napi::Env env, const std::string& server) {
	std::lock_guard<std::mutex> lock(registryMutex);
	for (JackClientWrap* other : registry) {
		// Another env's clients belong to another thread: only this thread may close its own.
		if (other->env_ == env && other->client_ != nullptr && other->state_->shutDown.load(std::memory_order_acquire)) {
			other->releaseClient();
		}
	}
	for (JackClientWrap* other : registry) {
		if (other->client_ != nullptr && other->server_ != server) {
			throw jackError(env, ErrorCodes::openFailed,
				"libjack can join only one JACK server per process: client " + quoted(other->name_) + " is open on server " +
					quoted(other->server_) + "; dispose it before joining " + quoted(server));
		}
	}
}

void JackClientWrap::releaseClient() {
	if (client_ == nullptr) {
		return;
	}
	// After the server went away there is nothing to deactivate; closing still frees libjack's side.
	if (!state_->shutDown.load(std::memory_order_acquire)) {
		jack_deactivate(client_);
	}
	jack_client_close(client_);
	client_ = nullptr;
	state_->client = nullptr;
}

void JackClientWrap::close() {
	if (cleanupHookRegistered_) {
		napi_remove_env_cleanup_hook(env_, onEnvTeardown, this);
		cleanupHookRegistered_ = false;
	}
	{
		std::lock_guard<std::mutex> lock(registryMutex);
		registry.erase(this);
	}
	if (!state_) {
		return;
	}
	releaseClient();
	// Only now that no callback can run is the memory they use released.
	state_.reset();
}

RealtimeState& JackClientWrap::checkOpen(Napi::Env env, bool needServer) {
	if (!state_) {
		throw jackError(env, ErrorCodes::clientClosed, "the JACK client " + quoted(name_) + " was disposed");
	}
	if (needServer && (client_ == nullptr || state_->shutDown.load(std::memory_order_acquire))) {
		throw jackError(env, ErrorCodes::clientClosed,
			"the JACK server shut down (" + std::string(state_->shutdownReason) + "); open a new client once it is back");
	}
	return *state_;
}

jack_port_t* JackClientWrap::portByName(Napi::Env env, const std::string& name) {
	jack_port_t* port = jack_port_by_name(client_, name.c_str());
	if (port == nullptr) {
		throw jackError(env, ErrorCodes::portNotFound,
			"there is no JACK port called " + quoted(name) + " (jack_lsp lists them)");
	}
	return port;
}

Napi::Value JackClientWrap::Info(const Napi::CallbackInfo& info) {
	Napi::Env env = info.Env();
	RealtimeState& state = checkOpen(env, false);
	Napi::Object result = Napi::Object::New(env);
	result.Set("name", name_);
	result.Set("sampleRate", static_cast<double>(state.sampleRate.load(std::memory_order_relaxed)));
	result.Set("periodFrames", static_cast<double>(state.periodFrames.load(std::memory_order_relaxed)));
	result.Set("inputPorts", portNames(env, state.inputPorts));
	result.Set("outputPorts", portNames(env, state.outputPorts));
	result.Set("ringFrames", static_cast<double>(state.input.capacityFrames()));
	result.Set("outputRingFrames", static_cast<double>(state.output.capacityFrames()));
	return result;
}

Napi::Value JackClientWrap::Read(const Napi::CallbackInfo& info) {
	RealtimeState& state = checkOpen(info.Env(), false);
	Napi::Float32Array into = floatArrayArg(info, 0, "the buffer");
	const unsigned channels = static_cast<unsigned>(state.inputPorts.size());
	if (channels == 0) {
		return Napi::Number::New(info.Env(), 0);
	}
	const size_t frames = state.input.popInterleaved(into.Data(), into.ElementLength() / channels);
	return Napi::Number::New(info.Env(), static_cast<double>(frames));
}

Napi::Value JackClientWrap::Write(const Napi::CallbackInfo& info) {
	RealtimeState& state = checkOpen(info.Env(), false);
	Napi::Float32Array from = floatArrayArg(info, 0, "the buffer");
	const unsigned channels = static_cast<unsigned>(state.outputPorts.size());
	if (channels == 0) {
		return Napi::Number::New(info.Env(), 0);
	}
	size_t frames = from.ElementLength() / channels;
	if (info.Length() > 1 && info[1].IsNumber()) {
		frames = std::min(frames, static_cast<size_t>(std::max<int64_t>(0, info[1].As<Napi::Number>().Int64Value())));
	}
	return Napi::Number::New(info.Env(), static_cast<double>(state.output.pushInterleaved(from.Data(), frames)));
}

Napi::Value JackClientWrap::WritableFrames(const Napi::CallbackInfo& info) {
	RealtimeState& state = checkOpen(info.Env(), false);
	const double frames = state.outputPorts.empty() ? 0 : static_cast<double>(state.output.writableFrames());
	return Napi::Number::New(info.Env(), frames);
}

Napi::Value JackClientWrap::Stats(const Napi::CallbackInfo& info) {
	Napi::Env env = info.Env();
	RealtimeState& state = checkOpen(env, false);
	Napi::Object result = Napi::Object::New(env);
	result.Set("xruns", static_cast<double>(state.xruns.load(std::memory_order_relaxed)));
	result.Set("droppedFrames", static_cast<double>(state.droppedFrames.load(std::memory_order_relaxed)));
	result.Set("missedFrames", static_cast<double>(state.missedFrames.load(std::memory_order_relaxed)));
	result.Set("underrunFrames", static_cast<double>(state.underrunFrames.load(std::memory_order_relaxed)));
	result.Set("framesCaptured", static_cast<double>(state.framesCaptured.load(std::memory_order_relaxed)));
	result.Set("graphVersion", static_cast<double>(state.graphVersion.load(std::memory_order_acquire)));
	result.Set("readableFrames", static_cast<double>(state.inputPorts.empty() ? 0 : state.input.readableFrames()));
	if (state.shutDown.load(std::memory_order_acquire)) {
		result.Set("shutdownReason", Napi::String::New(env, state.shutdownReason));
	}
	return result;
}

// The gaps published since the last call, oldest first, flat: [atFrame, frames, cause, atFrame, ...].
Napi::Value JackClientWrap::TakeGaps(const Napi::CallbackInfo& info) {
	Napi::Env env = info.Env();
	RealtimeState& state = checkOpen(env, false);
	Napi::Array flat = Napi::Array::New(env);
	uint32_t at = 0;
	Gap gap;
	while (state.gaps.pop(gap)) {
		flat.Set(at++, static_cast<double>(gap.atFrame));
		flat.Set(at++, static_cast<double>(gap.frames));
		flat.Set(at++, static_cast<double>(gap.cause));
	}
	return flat;
}

// [wallMicros, frame] of the latest cycle, or undefined before the first one ran.
Napi::Value JackClientWrap::Anchor(const Napi::CallbackInfo& info) {
	Napi::Env env = info.Env();
	const CycleAnchor anchor = checkOpen(env, false).clock.read();
	if (!anchor.valid) {
		return env.Undefined();
	}
	Napi::Array pair = Napi::Array::New(env, 2);
	pair.Set(0u, static_cast<double>(anchor.wallMicros));
	pair.Set(1u, static_cast<double>(anchor.frame));
	return pair;
}

Napi::Value JackClientWrap::PeriodFrames(const Napi::CallbackInfo& info) {
	return Napi::Number::New(info.Env(), checkOpen(info.Env(), false).periodFrames.load(std::memory_order_relaxed));
}

// Every port on the server: {name, type, input, physical, terminal, connections}.
Napi::Value JackClientWrap::Ports(const Napi::CallbackInfo& info) {
	Napi::Env env = info.Env();
	checkOpen(env, true);
	const char** names = jack_get_ports(client_, nullptr, nullptr, 0);
	Napi::Array list = Napi::Array::New(env);
	if (names == nullptr) {
		return list;
	}
	uint32_t count = 0;
	for (size_t i = 0; names[i] != nullptr; i++) {
		jack_port_t* port = jack_port_by_name(client_, names[i]);
		if (port == nullptr) {
			continue;  // unregistered between the listing and now
		}
		const int flags = jack_port_flags(port);
		Napi::Object entry = Napi::Object::New(env);
		entry.Set("name", names[i]);
		const char* type = jack_port_type(port);
		entry.Set("type", type != nullptr ? type : "");
		entry.Set("input", (flags & JackPortIsInput) != 0);
		entry.Set("physical", (flags & JackPortIsPhysical) != 0);
		entry.Set("terminal", (flags & JackPortIsTerminal) != 0);
		entry.Set("connections", stringList(env, jack_port_get_all_connections(client_, port)));
		list.Set(count++, entry);
	}
	jack_free(names);
	return list;
}

Napi::Value JackClientWrap::Connections(const Napi::CallbackInfo& info) {
	Napi::Env env = info.Env();
	checkOpen(env, true);
	jack_port_t* port = portByName(env, stringArg(info, 0, "port"));
	return stringList(env, jack_port_get_all_connections(client_, port));
}

Napi::Value JackClientWrap::Connect(const Napi::CallbackInfo& info) {
	Napi::Env env = info.Env();
	checkOpen(env, true);
	const std::string source = stringArg(info, 0, "source");
	const std::string destination = stringArg(info, 1, "destination");
	jack_port_t* from = portByName(env, source);
	jack_port_t* to = portByName(env, destination);
	if ((jack_port_flags(from) & JackPortIsOutput) == 0) {
		throw jackError(env, ErrorCodes::connectFailed, quoted(source) + " is not an output port: connect an output to an input");
	}
	if ((jack_port_flags(to) & JackPortIsInput) == 0) {
		throw jackError(env, ErrorCodes::connectFailed, quoted(destination) + " is not an input port: connect an output to an input");
	}
	clearJackErrors();
	const int code = jack_connect(client_, source.c_str(), destination.c_str());
	if (code != 0 && code != EEXIST) {
		throw jackError(env, ErrorCodes::connectFailed, "could not connect " + quoted(source) + " to " + quoted(destination) + jackSaid());
	}
	return env.Undefined();
}

Napi::Value JackClientWrap::Disconnect(const Napi::CallbackInfo& info) {
	Napi::Env env = info.Env();
	checkOpen(env, true);
	const std::string source = stringArg(info, 0, "source");
	const std::string destination = stringArg(info, 1, "destination");
	jack_port_t* from = portByName(env, source);
	portByName(env, destination);
	if (!jack_port_connected_to(from, destination.c_str())) {
		return env.Undefined();
	}
	clearJackErrors();
	if (jack_disconnect(client_, source.c_str(), destination.c_str()) != 0) {
		throw jackError(env, ErrorCodes::connectFailed,
			"could not disconnect " + quoted(source) + " from " + quoted(destination) + jackSaid());
	}
	return env.Undefined();
}

Napi::Value JackClientWrap::Dispose(const Napi::CallbackInfo& info) {
	close();
	return info.Env().Undefined();
}

}  // namespace omega13
