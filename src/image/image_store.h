// ImageStore: a content-addressed store of OCI images shared by every pod on a node.
//
// Layout under `root`:
//   blobs/sha256/<hex>        every blob (manifest, config, compressed layer), verified on write
//   layers/<diffid-hex>/      each layer unpacked once (whiteouts applied as overlayfs
//                             whiteouts: char 0:0 devices and trusted.overlay.opaque), read-only
//   refs.json                 normalized reference -> image (config digest, manifest digest)
// A container's root filesystem is an overlayfs whose lowerdirs are Image::layer_dirs (top first).
//
// Thread-safety: every method may be called concurrently; pulls of the same image are
// de-duplicated and writes to refs.json are serialized. Blobs and layers are written to a temporary
// name and renamed, so a crash never leaves a half-written layer that looks complete.
//
// Errors: NotFound for an unknown reference; BadRequest for an unparsable reference or a corrupt
// archive/blob (digest mismatch names both digests); ServiceUnavailable-style InternalError for
// registry transport failures. The message is what a user should see in the pod's status.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace berth::image {

// The parts of the OCI image config a container runtime needs.
struct ImageConfig {
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;  // "K=V"
  std::string working_dir;
  std::string user;  // "uid", "uid:gid" or a name (resolved by the runtime from /etc/passwd)
  std::map<std::string, std::string> labels;
  std::vector<std::string> exposed_ports;  // "80/tcp"
};

struct Image {
  std::string reference;     // normalized: "docker.io/library/busybox:latest", "127.0.0.1:5000/x@sha256:..."
  std::vector<std::string> tags;  // every normalized reference that points at this image
  std::string id;            // "sha256:<config digest>" (what kubectl shows as imageID's digest)
  std::string repo_digest;   // "<repo>@sha256:<manifest digest>", empty for imported images without one
  std::vector<std::string> layer_dirs;  // unpacked layers, TOP FIRST (overlayfs lowerdir order)
  ImageConfig config;
  int64_t size = 0;          // sum of compressed layer sizes
};

// Normalizes a user-written reference the way Docker does: "busybox" ->
// "docker.io/library/busybox:latest", "reg:5000/a/b" -> "reg:5000/a/b:latest"; digests kept.
StatusOr<std::string> NormalizeReference(const std::string& ref);

struct RegistryAuth {
  std::string username;
  std::string password;
};

struct PullOptions {
  // Credentials per registry host ("docker.io", "127.0.0.1:5000"), from imagePullSecrets.
  std::map<std::string, RegistryAuth> auth;
  // Registries that may be reached over plain HTTP (loopback ones always may).
  std::vector<std::string> insecure_registries;
  // Platform to pick from an index / manifest list.
  std::string os = "linux";
  std::string architecture = "amd64";
  // Called now and then with bytes done / total of the layers being fetched.
  std::function<void(int64_t done, int64_t total)> progress;
};

class ImageStore {
 public:
  virtual ~ImageStore() = default;

  // The local image for `ref` (any form NormalizeReference accepts, or an image id). NotFound if absent.
  virtual StatusOr<Image> Resolve(const std::string& ref) const = 0;
  virtual StatusOr<std::vector<Image>> List() const = 0;
  // Imports every image in an OCI image-layout tar or a `docker save` tar. Returns what was imported.
  virtual StatusOr<std::vector<Image>> ImportArchive(const std::string& path) = 0;
  // Fetches `ref` from its registry (OCI distribution API), verifies every blob, unpacks layers.
  virtual StatusOr<Image> Pull(const std::string& ref, const PullOptions& options) = 0;
  // Forgets a reference; blobs and layers no reference needs are deleted.
  virtual Status Remove(const std::string& ref) = 0;
};

// Opens (creating if needed) the store rooted at `root`.
StatusOr<std::unique_ptr<ImageStore>> OpenImageStore(const std::string& root);

}  // namespace berth::image
