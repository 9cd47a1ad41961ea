#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <filesystem>

#include "image/digest.h"
#include "image/image_store.h"
#include "image_test_support.h"

namespace berth::image {
namespace {

namespace fs = std::filesystem;
using testing::ReadWholeFile;
using testing::RunOk;
using testing::ScratchDir;
using testing::WriteFile;

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenImageStore(dir_ / "store");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  size_t CountEntries(const std::string& rel) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / rel)) ++n;
    return n;
  }

  ScratchDir dir_;
  std::unique_ptr<ImageStore> store_;
};

TEST_F(ImportTest, ImportsTestImageFromScript) {
  std::string tar = dir_ / "busybox.tar";
  ASSERT_TRUE(RunOk({testing::MakeTestImageScript(), tar}));
  auto imported = store_->ImportArchive(tar);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ASSERT_EQ(imported->size(), 1u);
  const Image& img = imported->front();
  EXPECT_EQ(img.reference, "berth.local/busybox:latest");
  EXPECT_EQ(img.config.cmd, std::vector<std::string>{"sh"});
  ASSERT_EQ(img.config.env.size(), 1u);
  EXPECT_EQ(img.config.env[0].rfind("PATH=", 0), 0u);
  EXPECT_EQ(img.id.rfind("sha256:", 0), 0u);
  EXPECT_GT(img.size, 100000);
  ASSERT_EQ(img.layer_dirs.size(), 1u);
  const std::string& layer = img.layer_dirs[0];
  EXPECT_EQ(ReadWholeFile(layer + "/var/www/index.html"), "hello from berth\n");
  struct stat st;
  ASSERT_EQ(lstat((layer + "/bin/sh").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  ASSERT_EQ(stat((layer + "/tmp").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
  EXPECT_NE(ReadWholeFile(layer + "/etc/passwd").find("nobody:x:65534"), std::string::npos);

  // Resolvable by short name, by id and by id prefix; persisted across reopen.
  auto by_name = store_->Resolve("berth.local/busybox");
  ASSERT_TRUE(by_name.ok()) << by_name.status().ToString();
  EXPECT_EQ(by_name->id, img.id);
  auto by_id = store_->Resolve(img.id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->reference, "berth.local/busybox:latest");
  EXPECT_TRUE(store_->Resolve(img.id.substr(0, 19)).ok());
  EXPECT_EQ(store_->Resolve("busybox").status().reason(), Reason::kNotFound);

  auto reopened = OpenImageStore(dir_ / "store");
  ASSERT_TRUE(reopened.ok());
  auto again = (*reopened)->Resolve("berth.local/busybox:latest");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->layer_dirs, img.layer_dirs);

  // Importing the same archive under a second name shares the layer.
  std::string tar2 = dir_ / "busybox2.tar";
  ASSERT_TRUE(RunOk({testing::MakeTestImageScript(), tar2, "example.com/other:v1"}));
  auto second = store_->ImportArchive(tar2);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->front().layer_dirs, img.layer_dirs);
  EXPECT_EQ(CountEntries("store/layers"), 1u);

  auto list = store_->List();
  ASSERT_TRUE(list.ok());
  // The script is deterministic: both names point at one image.
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().tags.size(), 2u);
}

// Builds a docker-save archive with a base layer and an upper layer that deletes a file
// (whiteout) and replaces a directory (opaque).
std::string BuildDockerSave(const ScratchDir& dir) {
  WriteFile(dir / "l1/etc/keep.txt", "keep\n");
  WriteFile(dir / "l1/etc/gone.txt", "gone\n");
  WriteFile(dir / "l1/data/old.txt", "old\n");
  WriteFile(dir / "l2/etc/.wh.gone.txt", "");
  WriteFile(dir / "l2/data/.wh..wh..opq", "");
  WriteFile(dir / "l2/data/new.txt", "new\n");
  fs::create_directories(dir / "save/l1");
  fs::create_directories(dir / "save/l2");
  RunOk({"tar", "--sort=name", "-C", dir / "l1", "-cf", dir / "save/l1/layer.tar", "."});
  RunOk({"tar", "--sort=name", "-C", dir / "l2", "-cf", dir / "l2.tar", "."});
  std::string diff1 = *DigestOfFile(dir / "save/l1/layer.tar");
  std::string diff2 = *DigestOfFile(dir / "l2.tar");
  RunOk({"sh", "-c", "gzip -c '" + (dir / "l2.tar") + "' > '" + (dir / "save/l2/layer.tar") + "'"});
  std::string config =
      R"({"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/true"],)"
      R"("WorkingDir":"/data","User":"65534","Labels":{"a":"b"},"ExposedPorts":{"80/tcp":{}}},)"
      R"("rootfs":{"type":"layers","diff_ids":[")" +
      diff1 + "\",\"" + diff2 + "\"]}}";
  std::string config_name = DigestOf(config).substr(7) + ".json";
  WriteFile(dir / ("save/" + config_name), config);
  WriteFile(dir / "save/manifest.json",
            R"([{"Config":")" + config_name +
                R"(","RepoTags":["example.com/wh:1"],"Layers":["l1/layer.tar","l2/layer.tar"]}])");
  std::string tar = dir / "save.tar";
  RunOk({"tar", "-C", dir / "save", "-cf", tar, "."});
  return tar;
}

TEST_F(ImportTest, DockerSaveWithWhiteoutAndOpaqueDir) {
  ScratchDir work;
  std::string tar = BuildDockerSave(work);
  auto imported = store_->ImportArchive(tar);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ASSERT_EQ(imported->size(), 1u);
  const Image& img = imported->front();
  EXPECT_EQ(img.reference, "example.com/wh:1");
  EXPECT_TRUE(img.repo_digest.empty());
  EXPECT_EQ(img.config.working_dir, "/data");
  EXPECT_EQ(img.config.user, "65534");
  EXPECT_EQ(img.config.labels.at("a"), "b");
  EXPECT_EQ(img.config.exposed_ports, std::vector<std::string>{"80/tcp"});
  ASSERT_EQ(img.layer_dirs.size(), 2u);
  const std::string& upper = img.layer_dirs[0];  // top first
  const std::string& lower = img.layer_dirs[1];
  EXPECT_EQ(ReadWholeFile(lower + "/etc/gone.txt"), "gone\n");
  EXPECT_EQ(ReadWholeFile(lower + "/data/old.txt"), "old\n");

  struct stat st;
  ASSERT_EQ(lstat((upper + "/etc/gone.txt").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(0, 0));
  EXPECT_FALSE(fs::exists(upper + "/etc/.wh.gone.txt"));
  char value[8] = {};
  ASSERT_EQ(lgetxattr((upper + "/data").c_str(), "trusted.overlay.opaque", value, sizeof value), 1);
  EXPECT_EQ(value[0], 'y');
  EXPECT_FALSE(fs::exists(upper + "/data/.wh..wh..opq"));
  EXPECT_EQ(ReadWholeFile(upper + "/data/new.txt"), "new\n");
  EXPECT_EQ(lgetxattr((lower + "/data").c_str(), "trusted.overlay.opaque", value, sizeof value),
            -1);

  // Removing the only reference deletes its blobs and layers.
  ASSERT_TRUE(store_->Remove("example.com/wh:1").ok());
  EXPECT_EQ(store_->Resolve("example.com/wh:1").status().reason(), Reason::kNotFound);
  EXPECT_EQ(CountEntries("store/layers"), 0u);
  EXPECT_EQ(CountEntries("store/blobs/sha256"), 0u);
  EXPECT_EQ(store_->Remove("example.com/wh:1").reason(), Reason::kNotFound);
}

TEST_F(ImportTest, LayerCannotWriteThroughSymlink) {
  ScratchDir work;
  fs::create_directories(work / "outside");
  fs::create_directories(work / "l1");
  fs::create_symlink(work / "outside", work / "l1/evil");
  RunOk({"tar", "-C", work / "l1", "-cf", work / "l1.tar", "evil"});
  WriteFile(work / "l2/evil/pwned", "x");
  // Append a file that goes through the symlink.
  RunOk({"tar", "-C", work / "l2", "-rf", work / "l1.tar", "evil/pwned"});
  fs::create_directories(work / "save/l");
  fs::rename(work / "l1.tar", work / "save/l/layer.tar");
  std::string diff = *DigestOfFile(work / "save/l/layer.tar");
  std::string config = R"({"os":"linux","rootfs":{"type":"layers","diff_ids":[")" + diff + "\"]}}";
  std::string config_name = DigestOf(config).substr(7) + ".json";
  WriteFile(work / ("save/" + config_name), config);
  WriteFile(work / "save/manifest.json", R"([{"Config":")" + config_name +
                                             R"(","RepoTags":["evil:1"],"Layers":["l/layer.tar"]}])");
  RunOk({"tar", "-C", work / "save", "-cf", work / "save.tar", "."});
  auto imported = store_->ImportArchive(work / "save.tar");
  // libarchive (ARCHIVE_EXTRACT_SECURE_SYMLINKS + UNLINK) replaces the symlink by a directory;
  // either way nothing may land outside the layer.
  EXPECT_FALSE(fs::exists(work / "outside/pwned"));
  if (imported.ok()) {
    const std::string& layer = imported->front().layer_dirs.at(0);
    EXPECT_FALSE(fs::is_symlink(layer + "/evil"));
    EXPECT_EQ(ReadWholeFile(layer + "/evil/pwned"), "x");
  }
}

TEST_F(ImportTest, CorruptBlobIsRejectedAndNothingRecorded) {
  ScratchDir work;
  std::string tar = work / "busybox.tar";
  ASSERT_TRUE(RunOk({testing::MakeTestImageScript(), tar}));
  fs::create_directories(work / "x");
  ASSERT_TRUE(RunOk({"tar", "-C", work / "x", "-xf", tar}));
  // Corrupt the largest blob (the layer) in place, keeping its name.
  std::string layer;
  uintmax_t biggest = 0;
  for (const auto& e : fs::directory_iterator(work / "x/blobs/sha256")) {
    if (e.file_size() > biggest) {
      biggest = e.file_size();
      layer = e.path().string();
    }
  }
  {
    std::fstream f(layer, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1000);
    f.put('\x42');
    f.put('\x43');
  }
  std::string bad = work / "bad.tar";
  ASSERT_TRUE(RunOk({"tar", "-C", work / "x", "-cf", bad, "oci-layout", "index.json", "blobs"}));
  auto imported = store_->ImportArchive(bad);
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.status().reason(), Reason::kBadRequest);
  const std::string& msg = imported.status().message();
  std::string expected = "sha256:" + fs::path(layer).filename().string();
  EXPECT_NE(msg.find("layer " + expected + " digest mismatch: got sha256:"), std::string::npos)
      << msg;
  EXPECT_EQ(store_->Resolve("berth.local/busybox:latest").status().reason(), Reason::kNotFound);
  auto list = store_->List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  EXPECT_EQ(CountEntries("store/layers"), 0u);

  // Not an archive at all.
  WriteFile(work / "junk.tar", "this is not a tar file");
  EXPECT_EQ(store_->ImportArchive(work / "junk.tar").status().reason(), Reason::kBadRequest);
}

}  // namespace
}  // namespace berth::image
