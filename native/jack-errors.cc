#include "jack-errors.h"

#include "jack-messages.h"

namespace omega13 {
namespace {

// Per environment (main thread and each worker load their own copy of the class).
struct ErrorClassData {
	Napi::FunctionReference errorClass;
};

}  // namespace

void setErrorClass(Napi::Env env, Napi::Function errorClass) {
	auto* data = env.GetInstanceData<ErrorClassData>();
	if (data == nullptr) {
		data = new ErrorClassData();
		env.SetInstanceData(data);
	}
	data->errorClass = Napi::Persistent(errorClass);
}

Napi::Error jackError(Napi::Env env, const char* code, const std::string& message) {
	auto* data = env.GetInstanceData<ErrorClassData>();
	if (data != nullptr && !data->errorClass.IsEmpty()) {
		Napi::Object error = data->errorClass.New({Napi::String::New(env, code), Napi::String::New(env, message)});
		return Napi::Error(env, error);
	}
	Napi::Error error = Napi::Error::New(env, message);
	error.Set("code", Napi::String::New(env, code));
	return error;
}

std::string jackSaid() {
	const std::string errors = jackErrors();
	const std::string first = errors.substr(0, errors.find('\n'));
	return first.empty() ? "" : " (JACK said: " + first + ")";
}

bool jackErrorsMention(const char* text) { return jackErrors().find(text) != std::string::npos; }

}  // namespace omega13
