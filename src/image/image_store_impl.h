// ImageStoreImpl: the on-disk ImageStore (see image_store.h for layout and contract).
//
// Locking: mu_ guards refs_ and the in-flight maps. gc_mu_ is held shared by every import/pull
// for its whole duration and exclusively by garbage collection, so GC never deletes a blob or
// layer that an in-flight operation has written but not yet recorded. Each layer is unpacked
// under its own mutex so two images sharing a layer unpack it once.
#pragma once

#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "image/image_store.h"
#include "image/ref_table.h"

namespace berth::image {

class ImageStoreImpl : public ImageStore {
 public:
  explicit ImageStoreImpl(std::string root);
  Status Init();

  StatusOr<Image> Resolve(const std::string& ref) const override;
  StatusOr<std::vector<Image>> List() const override;
  StatusOr<std::vector<Image>> ImportArchive(const std::string& path) override;
  StatusOr<Image> Pull(const std::string& ref, const PullOptions& options) override;
  Status Remove(const std::string& ref) override;

  // ---- building blocks shared by import and pull ----

  std::string BlobPath(const std::string& digest) const;
  bool HasBlob(const std::string& digest) const;
  // A fresh temporary file name inside the store (same filesystem as blobs/ and layers/).
  std::string TempPath(const std::string& what);
  // Links/copies `src` into blobs/ after checking its digest against `expected` (if non-empty).
  // `what` names the blob in errors ("layer", "config"). Returns the digest.
  StatusOr<std::string> IngestFile(const std::string& src, const std::string& expected,
                                   const std::string& what);
  StatusOr<std::string> IngestBytes(const std::string& data, const std::string& expected,
                                    const std::string& what);
  // Unpacks the layer blob into layers/<diffid-hex>/ unless present; verifies the diffID.
  Status EnsureLayer(const std::string& blob_digest, const std::string& diff_id);
  // Unpacks the layers of the stored manifest and records `refs` (normalized) for it.
  StatusOr<Image> Commit(const std::string& manifest_digest, const std::vector<std::string>& refs,
                         const std::string& repo_digest, const std::string& reference);

 private:
  StatusOr<Image> Describe(const std::string& ref, const RefEntry& entry) const;
  StatusOr<Image> PullOnce(const std::string& normalized, const PullOptions& options);
  Status CollectGarbage();
  std::shared_ptr<std::mutex> LayerLock(const std::string& diff_id);

  const std::string root_;
  mutable std::mutex mu_;
  mutable RefTable refs_;  // guarded by mu_; reloaded when another process changed it
  std::map<std::string, std::weak_ptr<std::mutex>> layer_locks_;  // guarded by mu_
  std::map<std::string, std::shared_future<StatusOr<Image>>> pulls_;  // guarded by mu_
  uint64_t temp_counter_ = 0;  // guarded by mu_
  std::shared_mutex gc_mu_;
};

}  // namespace berth::image
