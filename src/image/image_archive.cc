#include "image/image_archive.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json.h"
#include "image/media_types.h"
#include "image/reference.h"

namespace berth::image {
namespace {

namespace fs = std::filesystem;

// The file `rel` inside `dir`; BadRequest when it is missing or resolves outside `dir`.
StatusOr<std::string> FileInside(const std::string& dir, const std::string& rel) {
  std::error_code ec;
  fs::path root = fs::canonical(dir, ec);
  if (ec) return InternalError("archive directory: " + ec.message());
  fs::path p = fs::weakly_canonical(root / rel, ec);
  if (ec || !fs::is_regular_file(p, ec)) {
    return BadRequest("image archive is missing \"" + rel + "\"");
  }
  std::string ps = p.string(), rs = root.string() + "/";
  if (ps.compare(0, rs.size(), rs) != 0) {
    return BadRequest("image archive entry \"" + rel + "\" points outside the archive");
  }
  return ps;
}

StatusOr<json::value> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InternalError("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto v = ParseJson(ss.str());
  if (!v.ok()) return BadRequest("malformed JSON in image archive: " + v.status().message());
  return v;
}

StatusOr<ArchivedBlob> BlobFromDescriptor(const std::string& dir, const json::value& desc) {
  ArchivedBlob blob;
  blob.digest = GetString(desc, {"digest"});
  blob.media_type = GetString(desc, {"mediaType"});
  if (!IsSha256Digest(blob.digest)) {
    return BadRequest("image archive descriptor has an invalid digest \"" + blob.digest + "\"");
  }
  auto path = FileInside(dir, "blobs/sha256/" + blob.digest.substr(7));
  if (!path.ok()) return path.status();
  blob.path = *path;
  return blob;
}

const char* HostArch() {
#if defined(__aarch64__)
  return "arm64";
#else
  return "amd64";
#endif
}

Status AddOciManifest(const std::string& dir, const json::value& desc,
                      std::vector<std::string> refs, const std::string& os,
                      const std::string& arch, int depth, std::vector<ArchivedImage>* out) {
  if (depth > 4) return BadRequest("image archive: indexes nested too deeply");
  auto blob = BlobFromDescriptor(dir, desc);
  if (!blob.ok()) return blob.status();
  auto doc = ReadJsonFile(blob->path);
  if (!doc.ok()) return doc.status();
  std::string media_type = blob->media_type;
  if (media_type.empty()) media_type = GetString(*doc, {"mediaType"});
  if (IsIndexMediaType(media_type) || GetPath(*doc, {"manifests"}) != nullptr) {
    const json::value* manifests = GetPath(*doc, {"manifests"});
    if (manifests == nullptr || !manifests->is_array()) {
      return BadRequest("image archive: index without manifests");
    }
    for (const auto& m : manifests->as_array()) {
      if (GetString(m, {"platform", "os"}) == os &&
          GetString(m, {"platform", "architecture"}) == arch) {
        return AddOciManifest(dir, m, refs, os, arch, depth + 1, out);
      }
    }
    return BadRequest("image archive has no manifest for " + os + "/" + arch);
  }
  ArchivedImage img;
  img.refs = std::move(refs);
  img.manifest = *blob;
  const json::value* config = GetPath(*doc, {"config"});
  if (config == nullptr) return BadRequest("image manifest without config");
  auto cfg = BlobFromDescriptor(dir, *config);
  if (!cfg.ok()) return cfg.status();
  img.config = *cfg;
  const json::value* layers = GetPath(*doc, {"layers"});
  if (layers == nullptr || !layers->is_array()) return BadRequest("image manifest without layers");
  for (const auto& l : layers->as_array()) {
    auto lb = BlobFromDescriptor(dir, l);
    if (!lb.ok()) return lb.status();
    img.layers.push_back(*lb);
  }
  out->push_back(std::move(img));
  return Status::Ok();
}

StatusOr<std::vector<ArchivedImage>> ReadOciLayout(const std::string& dir, const std::string& os,
                                                   const std::string& arch) {
  auto index_path = FileInside(dir, "index.json");
  if (!index_path.ok()) return index_path.status();
  auto index = ReadJsonFile(*index_path);
  if (!index.ok()) return index.status();
  const json::value* manifests = GetPath(*index, {"manifests"});
  if (manifests == nullptr || !manifests->is_array()) {
    return BadRequest("image archive: index.json has no manifests");
  }
  std::vector<ArchivedImage> out;
  for (const auto& desc : manifests->as_array()) {
    std::vector<std::string> refs;
    std::string containerd = GetString(desc, {"annotations", "io.containerd.image.name"});
    std::string oci = GetString(desc, {"annotations", "org.opencontainers.image.ref.name"});
    if (!containerd.empty()) refs.push_back(containerd);
    // A bare "latest" is only a tag without a repository; it cannot name the image.
    if (!oci.empty() && oci != containerd && oci.find_first_of("/:@") != std::string::npos) {
      refs.push_back(oci);
    }
    BERTH_RETURN_IF_ERROR(AddOciManifest(dir, desc, refs, os, arch, 0, &out));
  }
  return out;
}

bool LooksGzipped(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[2] = {0, 0};
  in.read(reinterpret_cast<char*>(magic), 2);
  return magic[0] == 0x1f && magic[1] == 0x8b;
}

// A blob named blobs/sha256/<hex> declares its own digest; other names do not.
std::string DigestFromName(const std::string& rel) {
  const std::string prefix = "blobs/sha256/";
  if (rel.compare(0, prefix.size(), prefix) == 0) {
    std::string d = "sha256:" + rel.substr(prefix.size());
    if (IsSha256Digest(d)) return d;
  }
  std::string base = rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/') + 1);
  if (base.size() == 69 && base.compare(64, 5, ".json") == 0) {
    std::string d = "sha256:" + base.substr(0, 64);
    if (IsSha256Digest(d)) return d;
  }
  return "";
}

StatusOr<std::vector<ArchivedImage>> ReadDockerSave(const std::string& dir) {
  auto manifest_path = FileInside(dir, "manifest.json");
  if (!manifest_path.ok()) return manifest_path.status();
  auto manifest = ReadJsonFile(*manifest_path);
  if (!manifest.ok()) return manifest.status();
  if (!manifest->is_array()) return BadRequest("docker archive: manifest.json is not a list");
  std::vector<ArchivedImage> out;
  for (const auto& entry : manifest->as_array()) {
    ArchivedImage img;
    std::string config_rel = GetString(entry, {"Config"});
    auto config_path = FileInside(dir, config_rel);
    if (!config_path.ok()) return config_path.status();
    img.config = {*config_path, DigestFromName(config_rel), kDockerConfigMediaType};
    if (const json::value* tags = GetPath(entry, {"RepoTags"}); tags && tags->is_array()) {
      for (const auto& t : tags->as_array()) {
        if (t.is_string()) img.refs.emplace_back(t.as_string());
      }
    }
    const json::value* layers = GetPath(entry, {"Layers"});
    if (layers == nullptr || !layers->is_array()) {
      return BadRequest("docker archive: manifest.json entry without Layers");
    }
    for (const auto& l : layers->as_array()) {
      if (!l.is_string()) return BadRequest("docker archive: layer name is not a string");
      std::string rel(l.as_string());
      auto path = FileInside(dir, rel);
      if (!path.ok()) return path.status();
      img.layers.push_back({*path, DigestFromName(rel),
                            LooksGzipped(*path) ? kDockerLayerGzipMediaType
                                                : kDockerLayerTarMediaType});
    }
    out.push_back(std::move(img));
  }
  return out;
}

}  // namespace

StatusOr<std::vector<ArchivedImage>> ReadImageArchive(const std::string& dir,
                                                      const std::string& os,
                                                      const std::string& architecture) {
  std::error_code ec;
  // docker >= 25 writes both; manifest.json carries the RepoTags, so prefer it.
  if (fs::exists(fs::path(dir) / "manifest.json", ec)) return ReadDockerSave(dir);
  if (fs::exists(fs::path(dir) / "index.json", ec)) {
    return ReadOciLayout(dir, os.empty() ? "linux" : os,
                         architecture.empty() ? HostArch() : architecture);
  }
  return BadRequest("not an image archive: neither index.json nor manifest.json found");
}

}  // namespace berth::image
