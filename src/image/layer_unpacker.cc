#include "image/layer_unpacker.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "image/archive_path.h"
#include "image/digest.h"

namespace berth::image {
namespace {

constexpr char kWhiteoutPrefix[] = ".wh.";
constexpr char kOpaqueMarker[] = ".wh..wh..opq";

struct ReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
using ReadArchive = std::unique_ptr<archive, ReadDeleter>;
using WriteArchive = std::unique_ptr<archive, WriteDeleter>;

std::string ArchiveError(archive* a) {
  const char* e = archive_error_string(a);
  return e != nullptr ? e : "unknown archive error";
}

// The decompressed byte stream of a layer, hashed as the tar reader consumes it.
struct HashingSource {
  archive* raw = nullptr;
  Sha256 hash;
  bool eof = false;
};

la_ssize_t ReadFromRaw(archive* reader, void* client, const void** buf) {
  auto* src = static_cast<HashingSource*>(client);
  if (src->eof) return 0;
  size_t size = 0;
  la_int64_t offset = 0;
  int r = archive_read_data_block(src->raw, buf, &size, &offset);
  if (r == ARCHIVE_EOF) {
    src->eof = true;
    return 0;
  }
  if (r < ARCHIVE_WARN) {
    archive_set_error(reader, EIO, "decompressing layer: %s", ArchiveError(src->raw).c_str());
    return -1;
  }
  src->hash.Update(*buf, size);
  return static_cast<la_ssize_t>(size);
}

Status CopyData(archive* in, archive* out, const std::string& name) {
  const void* buf;
  size_t size;
  la_int64_t offset;
  while (true) {
    int r = archive_read_data_block(in, &buf, &size, &offset);
    if (r == ARCHIVE_EOF) return Status::Ok();
    if (r < ARCHIVE_WARN) return BadRequest("reading " + name + ": " + ArchiveError(in));
    if (archive_write_data_block(out, buf, size, offset) < ARCHIVE_WARN) {
      return InternalError("writing " + name + ": " + ArchiveError(out));
    }
  }
}

// Points `entry` (and its hardlink target) into `dest`; false when it must be skipped.
StatusOr<std::string> Relocate(archive_entry* entry, const std::string& dest) {
  const char* name = archive_entry_pathname(entry);
  if (name == nullptr) name = archive_entry_pathname_utf8(entry);
  if (name == nullptr) return BadRequest("archive entry without a name");
  auto rel = CleanEntryPath(name);
  if (!rel.ok()) return rel.status();
  archive_entry_set_pathname(entry, rel->empty() ? dest.c_str() : (dest + "/" + *rel).c_str());
  if (const char* link = archive_entry_hardlink(entry); link != nullptr) {
    auto target = CleanEntryPath(link);
    if (!target.ok()) return target.status();
    if (target->empty()) return BadRequest("hardlink to the archive root");
    archive_entry_set_hardlink(entry, (dest + "/" + *target).c_str());
  }
  return *rel;
}

std::string BaseName(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? rel : rel.substr(slash + 1);
}

std::string DirName(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? "" : rel.substr(0, slash);
}

Status MakeParents(const std::string& dest, const std::string& rel) {
  BERTH_RETURN_IF_ERROR(CheckNoSymlinkParents(dest, rel + "/x"));
  std::error_code ec;
  std::filesystem::create_directories(dest + "/" + rel, ec);
  if (ec) return InternalError("mkdir " + rel + ": " + ec.message());
  return Status::Ok();
}

Status ApplyWhiteout(const std::string& dest, const std::string& rel) {
  std::string parent = DirName(rel);
  if (!parent.empty()) BERTH_RETURN_IF_ERROR(MakeParents(dest, parent));
  BERTH_RETURN_IF_ERROR(CheckNoSymlinkParents(dest, rel));
  std::string path = dest + "/" + rel;
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (mknod(path.c_str(), S_IFCHR | 0, makedev(0, 0)) != 0) {
    return InternalError("whiteout " + rel + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Status ApplyOpaque(const std::string& dest, const std::string& rel) {
  if (!rel.empty()) BERTH_RETURN_IF_ERROR(MakeParents(dest, rel));
  std::string path = rel.empty() ? dest : dest + "/" + rel;
  if (lsetxattr(path.c_str(), "trusted.overlay.opaque", "y", 1, 0) != 0) {
    return InternalError("opaque marker on " + (rel.empty() ? "/" : rel) + ": " +
                         std::strerror(errno));
  }
  return Status::Ok();
}

ReadArchive OpenRaw(const std::string& path, std::string* error) {
  ReadArchive raw(archive_read_new());
  archive_read_support_filter_all(raw.get());
  archive_read_support_format_raw(raw.get());
  if (archive_read_open_filename(raw.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    *error = ArchiveError(raw.get());
    return nullptr;
  }
  return raw;
}

}  // namespace

StatusOr<std::string> UnpackLayer(const std::string& blob_path, const std::string& dest) {
  std::string error;
  ReadArchive raw = OpenRaw(blob_path, &error);
  if (!raw) return BadRequest("layer " + blob_path + ": " + error);
  archive_entry* raw_entry;
  int r = archive_read_next_header(raw.get(), &raw_entry);
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
    return BadRequest("layer is not a readable archive: " + ArchiveError(raw.get()));
  }

  HashingSource source;
  source.raw = raw.get();
  ReadArchive tar(archive_read_new());
  archive_read_support_format_tar(tar.get());
  if (archive_read_open(tar.get(), &source, nullptr, ReadFromRaw, nullptr) != ARCHIVE_OK) {
    return BadRequest("layer is not a tar archive: " + ArchiveError(tar.get()));
  }

  WriteArchive disk(archive_write_disk_new());
  archive_write_disk_set_options(
      disk.get(), ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                      ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_UNLINK |
                      ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT);

  std::vector<std::string> whiteouts, opaque_dirs;
  archive_entry* entry;
  while ((r = archive_read_next_header(tar.get(), &entry)) != ARCHIVE_EOF) {
    if (r < ARCHIVE_WARN) return BadRequest("corrupt layer: " + ArchiveError(tar.get()));
    auto rel = Relocate(entry, dest);
    if (!rel.ok()) return rel.status();
    std::string base = BaseName(*rel);
    if (base == kOpaqueMarker) {
      opaque_dirs.push_back(DirName(*rel));
      continue;
    }
    if (base.rfind(kWhiteoutPrefix, 0) == 0) {
      std::string parent = DirName(*rel);
      std::string target = base.substr(sizeof(kWhiteoutPrefix) - 1);
      if (target.empty() || target == "." || target == "..") {
        return BadRequest("invalid whiteout " + *rel);
      }
      whiteouts.push_back(parent.empty() ? target : parent + "/" + target);
      continue;
    }
    r = archive_write_header(disk.get(), entry);
    if (r < ARCHIVE_WARN) {
      return BadRequest("cannot unpack \"" + *rel + "\": " + ArchiveError(disk.get()));
    }
    if (archive_entry_size(entry) > 0) {
      BERTH_RETURN_IF_ERROR(CopyData(tar.get(), disk.get(), *rel));
    }
    if (archive_write_finish_entry(disk.get()) < ARCHIVE_WARN) {
      return InternalError("finishing \"" + *rel + "\": " + ArchiveError(disk.get()));
    }
  }
  // Whatever follows the tar's end blocks still belongs to the diffID.
  const void* buf;
  while (ReadFromRaw(tar.get(), &source, &buf) > 0) {
  }
  if (archive_write_close(disk.get()) < ARCHIVE_WARN) {
    return InternalError("unpacking layer: " + ArchiveError(disk.get()));
  }
  for (const auto& w : whiteouts) BERTH_RETURN_IF_ERROR(ApplyWhiteout(dest, w));
  for (const auto& o : opaque_dirs) BERTH_RETURN_IF_ERROR(ApplyOpaque(dest, o));
  return source.hash.Finish();
}

Status ExtractArchive(const std::string& archive_path, const std::string& dest) {
  ReadArchive in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_tar(in.get());
  if (archive_read_open_filename(in.get(), archive_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return BadRequest("image archive " + archive_path + ": " + ArchiveError(in.get()));
  }
  WriteArchive disk(archive_write_disk_new());
  archive_write_disk_set_options(disk.get(), ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                 ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                 ARCHIVE_EXTRACT_UNLINK);
  archive_entry* entry;
  int r;
  while ((r = archive_read_next_header(in.get(), &entry)) != ARCHIVE_EOF) {
    if (r < ARCHIVE_WARN) return BadRequest("corrupt image archive: " + ArchiveError(in.get()));
    mode_t type = archive_entry_filetype(entry);
    if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) continue;
    auto rel = Relocate(entry, dest);
    if (!rel.ok()) return rel.status();
    if (type == AE_IFDIR) archive_entry_set_perm(entry, 0755);
    if (type == AE_IFREG) archive_entry_set_perm(entry, 0644);
    if (archive_write_header(disk.get(), entry) < ARCHIVE_WARN) {
      return BadRequest("cannot extract \"" + *rel + "\": " + ArchiveError(disk.get()));
    }
    if (archive_entry_size(entry) > 0) BERTH_RETURN_IF_ERROR(CopyData(in.get(), disk.get(), *rel));
    if (archive_write_finish_entry(disk.get()) < ARCHIVE_WARN) {
      return InternalError("extracting \"" + *rel + "\": " + ArchiveError(disk.get()));
    }
  }
  if (archive_write_close(disk.get()) < ARCHIVE_WARN) {
    return InternalError("extracting image archive: " + ArchiveError(disk.get()));
  }
  return Status::Ok();
}

}  // namespace berth::image
