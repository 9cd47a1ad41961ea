// RefTable: the persistent map normalized reference -> image, kept in refs.json and rewritten
// atomically (temp file, fsync, rename) on every change.
//
// Thread-safety: not thread-safe; ImageStoreImpl serializes access.
#pragma once

#include <map>
#include <string>

#include "common/status.h"

namespace berth::image {

struct RefEntry {
  std::string config_digest;    // the image id
  std::string manifest_digest;  // the (possibly synthesized) manifest stored in blobs/
  std::string repo_digest;      // "<repo>@sha256:..." or empty
};

class RefTable {
 public:
  explicit RefTable(std::string path) : path_(std::move(path)) {}

  // Loads refs.json; a missing file is an empty table.
  Status Load();
  Status Save() const;
  // Re-reads refs.json when another process (`berth image import`) replaced it since this table
  // last loaded or saved it.
  Status ReloadIfChanged();

  std::map<std::string, RefEntry>& entries() { return entries_; }
  const std::map<std::string, RefEntry>& entries() const { return entries_; }

 private:
  std::string path_;
  std::map<std::string, RefEntry> entries_;
  mutable uint64_t seen_ino_ = 0;    // identity of the file last loaded or written
  mutable int64_t seen_mtime_ns_ = 0;
  void Remember() const;
};

}  // namespace berth::image
