#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/json.h"
#include "image/digest.h"
#include "image/image_archive.h"
#include "image/image_store_impl.h"
#include "image/layer_unpacker.h"
#include "image/media_types.h"
#include "image/reference.h"

namespace berth::image {
namespace {

namespace fs = std::filesystem;

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InternalError("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> StringList(const json::value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& e : v->as_array()) {
    if (e.is_string()) out.emplace_back(e.as_string());
  }
  return out;
}

ImageConfig ParseImageConfig(const json::value& doc) {
  ImageConfig c;
  const json::value* cfg = GetPath(doc, {"config"});
  if (cfg == nullptr || !cfg->is_object()) return c;
  c.entrypoint = StringList(GetPath(*cfg, {"Entrypoint"}));
  c.cmd = StringList(GetPath(*cfg, {"Cmd"}));
  c.env = StringList(GetPath(*cfg, {"Env"}));
  c.working_dir = GetString(*cfg, {"WorkingDir"});
  c.user = GetString(*cfg, {"User"});
  if (const json::value* labels = GetPath(*cfg, {"Labels"}); labels && labels->is_object()) {
    for (const auto& [k, v] : labels->as_object()) {
      if (v.is_string()) c.labels[std::string(k)] = std::string(v.as_string());
    }
  }
  if (const json::value* ports = GetPath(*cfg, {"ExposedPorts"}); ports && ports->is_object()) {
    for (const auto& [k, v] : ports->as_object()) c.exposed_ports.emplace_back(k);
  }
  return c;
}

// The parts of a stored manifest + config the store itself needs.
struct ImageParts {
  std::vector<std::string> layer_digests;  // bottom first
  std::vector<int64_t> layer_sizes;
  std::vector<std::string> diff_ids;       // bottom first
  std::string config_digest;
  json::value config;
};

bool IsLowerHex64(const std::string& s) { return IsSha256Digest("sha256:" + s); }

// Removes a directory tree on scope exit.
struct TempDir {
  std::string path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

ImageStoreImpl::ImageStoreImpl(std::string root) : root_(std::move(root)), refs_(root_ + "/refs.json") {}

Status ImageStoreImpl::Init() {
  std::error_code ec;
  for (const char* sub : {"blobs/sha256", "layers", "tmp"}) {
    fs::create_directories(fs::path(root_) / sub, ec);
    if (ec) return InternalError("create image store " + root_ + ": " + ec.message());
  }
  // Leftovers of a crash: temporary files are never referenced.
  fs::remove_all(fs::path(root_) / "tmp", ec);
  fs::create_directories(fs::path(root_) / "tmp", ec);
  for (const char* sub : {"blobs/sha256", "layers"}) {
    for (const auto& e : fs::directory_iterator(fs::path(root_) / sub, ec)) {
      if (e.path().filename().string().rfind(".tmp", 0) == 0) fs::remove_all(e.path(), ec);
    }
  }
  std::lock_guard lock(mu_);
  return refs_.Load();
}

std::string ImageStoreImpl::BlobPath(const std::string& digest) const {
  return root_ + "/blobs/sha256/" + DigestHex(digest);
}

bool ImageStoreImpl::HasBlob(const std::string& digest) const {
  struct stat st;
  return IsSha256Digest(digest) && stat(BlobPath(digest).c_str(), &st) == 0;
}

std::string ImageStoreImpl::TempPath(const std::string& what) {
  std::lock_guard lock(mu_);
  return root_ + "/tmp/" + what + "-" + std::to_string(getpid()) + "-" +
         std::to_string(++temp_counter_);
}

StatusOr<std::string> ImageStoreImpl::IngestFile(const std::string& src, const std::string& expected,
                                                 const std::string& what) {
  if (!expected.empty() && HasBlob(expected)) return expected;
  auto actual = DigestOfFile(src);
  if (!actual.ok()) return actual.status();
  if (!expected.empty() && *actual != expected) {
    return BadRequest(what + " " + expected + " digest mismatch: got " + *actual);
  }
  if (HasBlob(*actual)) return *actual;
  std::string tmp = TempPath("blob");
  if (link(src.c_str(), tmp.c_str()) != 0) {
    std::error_code ec;
    fs::copy_file(src, tmp, ec);
    if (ec) return InternalError("store blob " + *actual + ": " + ec.message());
  }
  if (std::rename(tmp.c_str(), BlobPath(*actual).c_str()) != 0) {
    unlink(tmp.c_str());
    return InternalError("store blob " + *actual + ": " + std::strerror(errno));
  }
  return *actual;
}

StatusOr<std::string> ImageStoreImpl::IngestBytes(const std::string& data,
                                                  const std::string& expected,
                                                  const std::string& what) {
  std::string tmp = TempPath("bytes");
  {
    std::ofstream out(tmp, std::ios::binary);
    out << data;
    if (!out.flush()) return InternalError("write " + tmp + " failed");
  }
  auto r = IngestFile(tmp, expected, what);
  unlink(tmp.c_str());
  return r;
}

std::shared_ptr<std::mutex> ImageStoreImpl::LayerLock(const std::string& diff_id) {
  std::lock_guard lock(mu_);
  auto& weak = layer_locks_[diff_id];
  auto m = weak.lock();
  if (!m) {
    m = std::make_shared<std::mutex>();
    weak = m;
  }
  return m;
}

Status ImageStoreImpl::EnsureLayer(const std::string& blob_digest, const std::string& diff_id) {
  if (!IsSha256Digest(diff_id)) return BadRequest("invalid layer diffID \"" + diff_id + "\"");
  auto m = LayerLock(diff_id);
  std::lock_guard lock(*m);
  std::string dir = root_ + "/layers/" + DigestHex(diff_id);
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return Status::Ok();
  std::string tmp = root_ + "/layers/.tmp-" + DigestHex(diff_id) + "-" +
                    std::to_string(getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(&lock));
  fs::remove_all(tmp, ec);
  if (mkdir(tmp.c_str(), 0755) != 0) return InternalError("mkdir " + tmp + ": " + std::strerror(errno));
  TempDir cleanup{tmp};
  auto got = UnpackLayer(BlobPath(blob_digest), tmp);
  if (!got.ok()) {
    return Status(got.status().reason(),
                  "layer " + blob_digest + ": " + got.status().message());
  }
  if (*got != diff_id) {
    return BadRequest("layer " + blob_digest + " diffID mismatch: got " + *got +
                      ", image config says " + diff_id);
  }
  if (std::rename(tmp.c_str(), dir.c_str()) != 0) {
    return InternalError("install layer " + diff_id + ": " + std::strerror(errno));
  }
  cleanup.path.clear();
  return Status::Ok();
}

namespace {

StatusOr<ImageParts> LoadParts(const ImageStoreImpl& store, const std::string& manifest_digest) {
  auto text = ReadFile(store.BlobPath(manifest_digest));
  if (!text.ok()) return text.status();
  auto manifest = ParseJson(*text);
  if (!manifest.ok()) return BadRequest("manifest " + manifest_digest + " is not valid JSON");
  ImageParts parts;
  parts.config_digest = GetString(*manifest, {"config", "digest"});
  if (!IsSha256Digest(parts.config_digest)) {
    return BadRequest("manifest " + manifest_digest + " has no valid config digest");
  }
  const json::value* layers = GetPath(*manifest, {"layers"});
  if (layers != nullptr && layers->is_array()) {
    for (const auto& l : layers->as_array()) {
      std::string d = GetString(l, {"digest"});
      if (!IsSha256Digest(d)) return BadRequest("manifest lists an invalid layer digest");
      parts.layer_digests.push_back(d);
      parts.layer_sizes.push_back(GetInt(l, {"size"}));
    }
  }
  auto config_text = ReadFile(store.BlobPath(parts.config_digest));
  if (!config_text.ok()) return config_text.status();
  auto config = ParseJson(*config_text);
  if (!config.ok()) return BadRequest("image config " + parts.config_digest + " is not valid JSON");
  parts.config = std::move(*config);
  parts.diff_ids = StringList(GetPath(parts.config, {"rootfs", "diff_ids"}));
  if (parts.diff_ids.size() != parts.layer_digests.size()) {
    return BadRequest("image config lists " + std::to_string(parts.diff_ids.size()) +
                      " diff_ids but the manifest has " +
                      std::to_string(parts.layer_digests.size()) + " layers");
  }
  return parts;
}

}  // namespace

StatusOr<Image> ImageStoreImpl::Commit(const std::string& manifest_digest,
                                       const std::vector<std::string>& refs,
                                       const std::string& repo_digest,
                                       const std::string& reference) {
  auto parts = LoadParts(*this, manifest_digest);
  if (!parts.ok()) return parts.status();
  for (size_t i = 0; i < parts->layer_digests.size(); ++i) {
    BERTH_RETURN_IF_ERROR(EnsureLayer(parts->layer_digests[i], parts->diff_ids[i]));
  }
  RefEntry entry{parts->config_digest, manifest_digest, repo_digest};
  std::lock_guard lock(mu_);
  (void)refs_.ReloadIfChanged();
  for (const auto& r : refs) refs_.entries()[r] = entry;
  BERTH_RETURN_IF_ERROR(refs_.Save());
  return Describe(reference.empty() ? (refs.empty() ? "" : refs.front()) : reference, entry);
}

// Called with mu_ held.
StatusOr<Image> ImageStoreImpl::Describe(const std::string& ref, const RefEntry& entry) const {
  auto parts = LoadParts(*this, entry.manifest_digest);
  if (!parts.ok()) return parts.status();
  Image img;
  img.reference = ref;
  img.id = entry.config_digest;
  img.repo_digest = entry.repo_digest;
  for (const auto& [name, e] : refs_.entries()) {
    if (e.config_digest == entry.config_digest) img.tags.push_back(name);
  }
  if (img.reference.empty() && !img.tags.empty()) img.reference = img.tags.front();
  for (auto it = parts->diff_ids.rbegin(); it != parts->diff_ids.rend(); ++it) {
    img.layer_dirs.push_back(root_ + "/layers/" + DigestHex(*it));
  }
  for (int64_t s : parts->layer_sizes) img.size += s;
  img.config = ParseImageConfig(parts->config);
  return img;
}

StatusOr<Image> ImageStoreImpl::Resolve(const std::string& ref) const {
  std::string id_prefix;
  if (ref.rfind("sha256:", 0) == 0) {
    id_prefix = ref;
  } else if (IsLowerHex64(ref)) {
    id_prefix = "sha256:" + ref;
  }
  std::lock_guard lock(mu_);
  (void)refs_.ReloadIfChanged();
  if (!id_prefix.empty() && id_prefix.size() > 7) {
    const std::pair<const std::string, RefEntry>* found = nullptr;
    for (const auto& kv : refs_.entries()) {
      if (kv.second.config_digest.rfind(id_prefix, 0) != 0) continue;
      if (found != nullptr && found->second.config_digest != kv.second.config_digest) {
        return BadRequest("image id prefix \"" + ref + "\" is ambiguous");
      }
      if (found == nullptr) found = &kv;
    }
    if (found == nullptr) return NotFound("images", ref);
    return Describe(found->first, found->second);
  }
  auto normalized = NormalizeReference(ref);
  if (!normalized.ok()) return normalized.status();
  auto it = refs_.entries().find(*normalized);
  if (it == refs_.entries().end()) return NotFound("images", ref);
  return Describe(it->first, it->second);
}

StatusOr<std::vector<Image>> ImageStoreImpl::List() const {
  std::lock_guard lock(mu_);
  (void)refs_.ReloadIfChanged();
  std::vector<Image> out;
  std::set<std::string> seen;
  for (const auto& [name, entry] : refs_.entries()) {
    if (!seen.insert(entry.config_digest).second) continue;
    auto img = Describe(name, entry);
    if (!img.ok()) return img.status();
    out.push_back(std::move(*img));
  }
  return out;
}

StatusOr<std::vector<Image>> ImageStoreImpl::ImportArchive(const std::string& path) {
  std::shared_lock gc(gc_mu_);
  TempDir dir{TempPath("import")};
  if (mkdir(dir.path.c_str(), 0700) != 0) {
    return InternalError("mkdir " + dir.path + ": " + std::strerror(errno));
  }
  BERTH_RETURN_IF_ERROR(ExtractArchive(path, dir.path));
  auto images = ReadImageArchive(dir.path, "linux", "");
  if (!images.ok()) return images.status();
  if (images->empty()) return BadRequest("image archive " + path + " contains no images");

  // Verify and store every blob of every image before recording anything.
  struct Staged {
    std::string manifest_digest;
    std::vector<std::string> refs;
    std::string repo_digest;
  };
  std::vector<Staged> staged;
  for (const auto& img : *images) {
    Staged s;
    for (const auto& r : img.refs) {
      auto n = ParseReference(r);
      if (!n.ok()) return n.status();
      s.refs.push_back(n->String());
    }
    auto config = IngestFile(img.config.path, img.config.digest, "config");
    if (!config.ok()) return config.status();
    int64_t config_size = 0;
    (void)DigestOfFile(BlobPath(*config), &config_size);
    json::array layers;
    for (const auto& l : img.layers) {
      auto d = IngestFile(l.path, l.digest, "layer");
      if (!d.ok()) return d.status();
      std::error_code ec;
      auto size = static_cast<int64_t>(fs::file_size(BlobPath(*d), ec));
      layers.push_back(json::object{{"mediaType", l.media_type}, {"digest", *d}, {"size", size}});
    }
    if (!img.manifest.path.empty()) {
      auto m = IngestFile(img.manifest.path, img.manifest.digest, "manifest");
      if (!m.ok()) return m.status();
      s.manifest_digest = *m;
      if (!s.refs.empty()) {
        auto first = ParseReference(s.refs.front());
        s.repo_digest = first->Name() + "@" + *m;
      }
    } else {
      // docker save has no manifest: synthesize one so every image is stored the same way.
      json::object manifest{
          {"schemaVersion", 2},
          {"mediaType", kDockerManifestMediaType},
          {"config", json::object{{"mediaType", kDockerConfigMediaType},
                                  {"digest", *config},
                                  {"size", config_size}}},
          {"layers", std::move(layers)}};
      auto m = IngestBytes(ToJson(manifest), "", "manifest");
      if (!m.ok()) return m.status();
      s.manifest_digest = *m;
    }
    staged.push_back(std::move(s));
  }
  std::vector<Image> out;
  for (const auto& s : staged) {
    auto img = Commit(s.manifest_digest, s.refs, s.repo_digest, "");
    if (!img.ok()) return img.status();
    out.push_back(std::move(*img));
  }
  return out;
}

Status ImageStoreImpl::Remove(const std::string& ref) {
  {
    std::lock_guard lock(mu_);
    auto& entries = refs_.entries();
    size_t removed = 0;
    std::string id;
    if (ref.rfind("sha256:", 0) == 0 && ref.size() > 7) {
      id = ref;
    } else if (IsLowerHex64(ref)) {
      id = "sha256:" + ref;
    }
    if (!id.empty()) {
      std::string full;
      for (const auto& [name, e] : entries) {
        if (e.config_digest.rfind(id, 0) != 0) continue;
        if (!full.empty() && full != e.config_digest) {
          return BadRequest("image id prefix \"" + ref + "\" is ambiguous");
        }
        full = e.config_digest;
      }
      for (auto it = entries.begin(); it != entries.end();) {
        if (!full.empty() && it->second.config_digest == full) {
          it = entries.erase(it);
          ++removed;
        } else {
          ++it;
        }
      }
    } else {
      auto normalized = NormalizeReference(ref);
      if (!normalized.ok()) return normalized.status();
      removed = entries.erase(*normalized);
    }
    if (removed == 0) return NotFound("images", ref);
    BERTH_RETURN_IF_ERROR(refs_.Save());
  }
  return CollectGarbage();
}

Status ImageStoreImpl::CollectGarbage() {
  std::unique_lock gc(gc_mu_);
  std::map<std::string, RefEntry> entries;
  {
    std::lock_guard lock(mu_);
    entries = refs_.entries();
  }
  std::set<std::string> blobs, layers;
  for (const auto& [name, e] : entries) {
    auto parts = LoadParts(*this, e.manifest_digest);
    if (!parts.ok()) {
      return InternalError("not collecting garbage: image " + name + ": " +
                           parts.status().message());
    }
    blobs.insert(DigestHex(e.manifest_digest));
    blobs.insert(DigestHex(parts->config_digest));
    for (const auto& d : parts->layer_digests) blobs.insert(DigestHex(d));
    for (const auto& d : parts->diff_ids) layers.insert(DigestHex(d));
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_ + "/blobs/sha256", ec)) {
    if (!blobs.count(e.path().filename().string())) fs::remove(e.path(), ec);
  }
  for (const auto& e : fs::directory_iterator(root_ + "/layers", ec)) {
    if (!layers.count(e.path().filename().string())) fs::remove_all(e.path(), ec);
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<ImageStore>> OpenImageStore(const std::string& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return InternalError("create image store " + root + ": " + ec.message());
  // Layers are unpacked with symlink checks over the whole path: use the real path.
  fs::path real = fs::canonical(root, ec);
  if (ec) return InternalError("image store " + root + ": " + ec.message());
  auto store = std::make_unique<ImageStoreImpl>(real.string());
  BERTH_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<ImageStore>(std::move(store));
}

}  // namespace berth::image
