#include "apiserver/local_client.h"

#include <condition_variable>
#include <deque>
#include <mutex>

#include "client/api_client.h"
#include "common/json.h"

namespace berth::apiserver {

namespace {

// The stream side of a local watch: the server writes chunks, the watching caller reads them.
class LocalStream : public StreamWriter {
 public:
  bool Write(std::string chunk) override {
    std::lock_guard<std::mutex> l(mu_);
    if (closed_) return false;
    chunks_.push_back(std::move(chunk));
    cv_.notify_all();
    return true;
  }
  void Close() override {
    std::function<void()> cb;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (closed_) return;
      closed_ = true;
      cb = std::move(on_close_);
      cv_.notify_all();
    }
    if (cb) cb();
  }
  bool closed() const override {
    std::lock_guard<std::mutex> l(mu_);
    return closed_;
  }
  void OnClose(std::function<void()> cb) override {
    std::lock_guard<std::mutex> l(mu_);
    on_close_ = std::move(cb);
  }
  // Waits up to 200 ms for data. Returns false once the stream is closed and drained.
  bool Next(std::string* out) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::milliseconds(200), [&] { return closed_ || !chunks_.empty(); });
    out->clear();
    while (!chunks_.empty()) {
      *out += chunks_.front();
      chunks_.pop_front();
    }
    return !(closed_ && out->empty());
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> chunks_;
  bool closed_ = false;
  std::function<void()> on_close_;
};

class SyncResponder : public Responder {
 public:
  void Hijack(std::function<void(HijackedConnection)>) override {
    Response r;
    r.status = 400;
    r.body = R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"connection upgrades are not available in-process","reason":"BadRequest","code":400})";
    Send(std::move(r));
  }
  void Send(Response r) override {
    std::lock_guard<std::mutex> l(mu_);
    if (done_) return;
    response_ = std::move(r);
    done_ = true;
    cv_.notify_all();
  }
  std::shared_ptr<StreamWriter> StartStream(
      int status, std::string content_type,
      std::vector<std::pair<std::string, std::string>> headers) override {
    std::lock_guard<std::mutex> l(mu_);
    auto s = std::make_shared<LocalStream>();
    if (done_) {  // nothing may follow a response: hand back a closed stream
      s->Close();
      return s;
    }
    response_.status = status;
    response_.content_type = std::move(content_type);
    stream_ = s;
    done_ = true;
    cv_.notify_all();
    return s;
  }
  Response Wait(std::shared_ptr<LocalStream>* stream) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return done_; });
    if (stream) *stream = stream_;
    return response_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  Response response_;
  std::shared_ptr<LocalStream> stream_;
};

const char* PatchContentType(client::PatchType t) {
  switch (t) {
    case client::PatchType::kMerge: return "application/merge-patch+json";
    case client::PatchType::kStrategic: return "application/strategic-merge-patch+json";
    case client::PatchType::kJson: return "application/json-patch+json";
    case client::PatchType::kApply: return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

}  // namespace

LocalClient::LocalClient(HttpHandler* handler, std::string user_agent, std::string user)
    : handler_(handler), user_agent_(std::move(user_agent)), user_(std::move(user)) {}

Request LocalClient::MakeRequest(const std::string& method, const std::string& target,
                                 std::string body, const std::string& content_type) const {
  Request req;
  req.method = method;
  req.target = target;
  ParseTarget(target, &req.path, &req.query);
  req.headers["accept"] = "application/json";
  req.headers["user-agent"] = user_agent_;
  if (!body.empty()) req.headers["content-type"] = content_type;
  req.body = std::move(body);
  req.peer.verified = true;
  req.peer.common_name = user_;
  req.peer.organizations = {"system:masters"};
  req.remote_address = "in-process";
  return req;
}

StatusOr<json::value> LocalClient::Call(const std::string& method, const std::string& target,
                                        std::string body, const std::string& content_type) {
  auto responder = std::make_shared<SyncResponder>();
  handler_->Handle(MakeRequest(method, target, std::move(body), content_type), responder);
  std::shared_ptr<LocalStream> stream;
  Response r = responder->Wait(&stream);
  if (stream) {
    stream->Close();
    return Status(Reason::kBadRequest, "unexpected stream answer to " + method + " " + target);
  }
  if (r.status < 200 || r.status >= 300) return client::StatusFromResponse(r.status, r.body);
  if (r.body.empty()) return json::value();
  return ParseJson(r.body);
}

StatusOr<json::value> LocalClient::Get(const std::string& path) {
  return Call("GET", path, "", "");
}

StatusOr<json::value> LocalClient::Create(const std::string& collection_path,
                                          const json::value& object) {
  return Call("POST", collection_path, json::serialize(object), "application/json");
}

StatusOr<json::value> LocalClient::Update(const std::string& path, const json::value& object) {
  return Call("PUT", path, json::serialize(object), "application/json");
}

StatusOr<json::value> LocalClient::Patch(const std::string& path, const json::value& patch,
                                         client::PatchType type) {
  std::string target = path;
  if (type == client::PatchType::kApply && target.find("fieldManager=") == std::string::npos) {
    target += (target.find('?') == std::string::npos ? "?" : "&");
    target += "fieldManager=" + client::QueryEscape(user_agent_);
  }
  return Call("PATCH", target, json::serialize(patch), PatchContentType(type));
}

Status LocalClient::Delete(const std::string& path, const json::value& options) {
  std::string body = options.is_null() ? "" : json::serialize(options);
  auto r = Call("DELETE", path, std::move(body), "application/json");
  return r.ok() ? Status::Ok() : r.status();
}

Status LocalClient::Watch(
    const std::string& path_with_query,
    const std::function<bool(const std::string& type, json::value& object)>& on_event,
    const std::atomic<bool>* stop) {
  std::string target = path_with_query;
  if (target.find("watch=") == std::string::npos) {
    target += (target.find('?') == std::string::npos ? "?" : "&");
    target += "watch=true";
  }
  auto responder = std::make_shared<SyncResponder>();
  handler_->Handle(MakeRequest("GET", target, "", ""), responder);
  std::shared_ptr<LocalStream> stream;
  Response r = responder->Wait(&stream);
  if (!stream) {
    if (r.status < 200 || r.status >= 300) return client::StatusFromResponse(r.status, r.body);
    return Status(Reason::kInternalError, "watch of " + target + " was not streamed");
  }
  std::string buffer, chunk;
  while (!(stop && stop->load())) {
    if (!stream->Next(&chunk)) return Status::Ok();  // the server ended the watch
    buffer += chunk;
    size_t start = 0, nl;
    while ((nl = buffer.find('\n', start)) != std::string::npos) {
      std::string_view line(buffer.data() + start, nl - start);
      start = nl + 1;
      if (line.empty()) continue;
      auto ev = ParseJson(line);
      if (!ev.ok() || !ev->is_object()) {
        stream->Close();
        return Status(Reason::kInternalError, "malformed watch event from the server");
      }
      std::string type = GetString(ev->as_object(), {"type"});
      json::value& obj = ev->as_object()["object"];
      if (!on_event(type, obj)) {
        stream->Close();
        return Status::Ok();
      }
    }
    buffer.erase(0, start);
  }
  stream->Close();
  return Status::Ok();
}

}  // namespace berth::apiserver
