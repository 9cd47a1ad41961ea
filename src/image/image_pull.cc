// ImageStoreImpl::Pull: fetch a manifest (picking a platform out of an index), its config and
// layers from the registry, verify every digest, then unpack and record like an import.
#include <unistd.h>

#include "common/json.h"
#include "image/digest.h"
#include "image/image_store_impl.h"
#include "image/media_types.h"
#include "image/reference.h"
#include "image/registry_client.h"

namespace berth::image {
namespace {

// Deletes a temporary download on scope exit.
struct TempFile {
  std::string path;
  ~TempFile() { unlink(path.c_str()); }
};

}  // namespace

StatusOr<Image> ImageStoreImpl::Pull(const std::string& ref, const PullOptions& options) {
  auto normalized = NormalizeReference(ref);
  if (!normalized.ok()) return normalized.status();
  std::promise<StatusOr<Image>> promise;
  std::shared_future<StatusOr<Image>> pending;
  {
    std::lock_guard lock(mu_);
    auto it = pulls_.find(*normalized);
    if (it != pulls_.end()) {
      pending = it->second;
    } else {
      pulls_.emplace(*normalized, promise.get_future().share());
    }
  }
  if (pending.valid()) return pending.get();  // someone else is pulling the same reference
  StatusOr<Image> result = PullOnce(*normalized, options);
  promise.set_value(result);
  std::lock_guard lock(mu_);
  pulls_.erase(*normalized);
  return result;
}

StatusOr<Image> ImageStoreImpl::PullOnce(const std::string& normalized,
                                         const PullOptions& options) {
  std::shared_lock gc(gc_mu_);
  auto ref = ParseReference(normalized);
  if (!ref.ok()) return ref.status();
  RegistryClient client(*ref, options);
  auto top = client.GetManifest(ref->TagOrDigest());
  if (!top.ok()) return top.status();
  FetchedManifest manifest = *top;
  if (IsIndexMediaType(top->media_type)) {
    auto doc = ParseJson(top->body);
    if (!doc.ok()) return BadRequest("index " + top->digest + " is not valid JSON");
    std::string chosen;
    if (const json::value* list = GetPath(*doc, {"manifests"}); list && list->is_array()) {
      for (const auto& m : list->as_array()) {
        if (GetString(m, {"platform", "os"}) == options.os &&
            GetString(m, {"platform", "architecture"}) == options.architecture) {
          chosen = GetString(m, {"digest"});
          break;
        }
      }
    }
    if (chosen.empty()) {
      return Status(Reason::kNotFound, "no manifest for " + options.os + "/" +
                                           options.architecture + " in " + normalized);
    }
    if (!IsSha256Digest(chosen)) return BadRequest("index lists invalid digest " + chosen);
    auto m = client.GetManifest(chosen);
    if (!m.ok()) return m.status();
    if (!IsManifestMediaType(m->media_type)) {
      return BadRequest("manifest " + chosen + " is not an image manifest");
    }
    manifest = *m;
  }
  auto doc = ParseJson(manifest.body);
  if (!doc.ok()) return BadRequest("manifest " + manifest.digest + " is not valid JSON");
  std::string config_digest = GetString(*doc, {"config", "digest"});
  if (!IsSha256Digest(config_digest)) {
    return BadRequest("manifest " + manifest.digest + " has an invalid config digest");
  }
  struct Layer {
    std::string digest;
    int64_t size;
  };
  std::vector<Layer> layers;
  int64_t total = 0;
  if (const json::value* list = GetPath(*doc, {"layers"}); list && list->is_array()) {
    for (const auto& l : list->as_array()) {
      Layer layer{GetString(l, {"digest"}), GetInt(l, {"size"})};
      if (!IsSha256Digest(layer.digest)) {
        return BadRequest("manifest " + manifest.digest + " lists an invalid layer digest");
      }
      total += layer.size;
      layers.push_back(layer);
    }
  }

  auto fetch = [&](const std::string& digest, const std::string& what,
                   const std::function<void(int64_t)>& on_bytes) -> Status {
    if (HasBlob(digest)) return Status::Ok();
    TempFile tmp{TempPath("pull")};
    BERTH_RETURN_IF_ERROR(client.FetchBlob(digest, tmp.path, what, on_bytes));
    auto stored = IngestFile(tmp.path, digest, what);
    return stored.ok() ? Status::Ok() : stored.status();
  };
  BERTH_RETURN_IF_ERROR(fetch(config_digest, "config", nullptr));
  int64_t done = 0;
  if (options.progress) options.progress(0, total);
  for (const auto& layer : layers) {
    int64_t before = done;
    BERTH_RETURN_IF_ERROR(fetch(layer.digest, "layer", [&](int64_t n) {
      done += n;
      if (options.progress) options.progress(done, total);
    }));
    done = before + layer.size;
    if (options.progress) options.progress(done, total);
  }
  auto stored = IngestBytes(manifest.body, manifest.digest, "manifest");
  if (!stored.ok()) return stored.status();
  return Commit(manifest.digest, {normalized}, ref->Name() + "@" + top->digest, normalized);
}

}  // namespace berth::image
