#include "agent/volumes.h"

#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>


namespace berth::agent {
namespace {
namespace fs = std::filesystem;

json::object Obj(const std::string& text) { return ParseJson(text)->as_object(); }

// A fake namespace: ConfigMaps and Secrets by name, editable between calls.
struct FakeObjects {
  std::map<std::string, json::value> objects;  // "configmaps/x" -> object
  int lookups = 0;
  ObjectLookup Lookup() {
    return [this](const std::string& r, const std::string& n) -> StatusOr<json::value> {
      lookups++;
      auto it = objects.find(r + "/" + n);
      if (it == objects.end()) return Status(Reason::kNotFound, r + " \"" + n + "\" not found");
      return it->second;
    };
  }
};

VolumeInputs Inputs(FakeObjects& f) {
  VolumeInputs in;
  in.lookup = f.Lookup();
  in.pod_ip = "10.0.0.5";
  in.host_ip = "192.168.1.2";
  in.node_allocatable = [] { return std::make_pair<int64_t, int64_t>(4000, 8LL << 30); };
  return in;
}

const json::object kPod = Obj(R"j({"metadata":{"name":"p","namespace":"ns",
  "labels":{"b":"2","a":"1"},"annotations":{"x":"y"}},
  "spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"1250m","memory":"64Mi"},
                                                  "requests":{"cpu":"250m"}}},
                         {"name":"bare"}]}})j");

TEST(VolumePayload, ConfigMapAllKeysDefaultModeAndBinaryData) {
  FakeObjects f;
  f.objects["configmaps/cm"] = Obj(R"j({"data":{"k1":"v1"},"binaryData":{"bin":"AP8="}})j");
  auto p = VolumePayload(Obj(R"j({"name":"v","configMap":{"name":"cm"}})j"), kPod, Inputs(f));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ(p->at("k1").data, "v1");
  EXPECT_EQ(p->at("k1").mode, 0644);
  EXPECT_EQ(p->at("bin").data, std::string("\x00\xff", 2));
  p = VolumePayload(Obj(R"j({"name":"v","configMap":{"name":"cm","defaultMode":256}})j"), kPod,
                    Inputs(f));
  EXPECT_EQ(p->at("k1").mode, 0400);
}

TEST(VolumePayload, SecretItemsWithModesAndMissingKeys) {
  FakeObjects f;
  f.objects["secrets/s"] = Obj(R"j({"data":{"a":"QQ==","b":"Qg=="}})j");
  auto p = VolumePayload(Obj(R"j({"name":"v","secret":{"secretName":"s","defaultMode":420,
      "items":[{"key":"a","path":"x/a"},{"key":"b","path":"b","mode":256}]}})j"), kPod, Inputs(f));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ(p->at("x/a").data, "A");
  EXPECT_EQ(p->at("x/a").mode, 0644);
  EXPECT_EQ(p->at("b").mode, 0400);
  auto missing = VolumePayload(
      Obj(R"j({"name":"v","secret":{"secretName":"s","items":[{"key":"zz","path":"z"}]}})j"), kPod,
      Inputs(f));
  EXPECT_EQ(missing.status().reason(), Reason::kNotFound);
  auto gone = VolumePayload(Obj(R"j({"name":"v","secret":{"secretName":"nope"}})j"), kPod, Inputs(f));
  EXPECT_EQ(gone.status().message(), "secret \"nope\" not found");
  auto optional = VolumePayload(
      Obj(R"j({"name":"v","secret":{"secretName":"nope","optional":true}})j"), kPod, Inputs(f));
  ASSERT_TRUE(optional.ok());
  EXPECT_TRUE(optional->empty());
  auto escape = VolumePayload(
      Obj(R"j({"name":"v","secret":{"secretName":"s","items":[{"key":"a","path":"../a"}]}})j"),
      kPod, Inputs(f));
  EXPECT_EQ(escape.status().reason(), Reason::kBadRequest);
}

TEST(VolumePayload, DownwardApiFieldsResourcesAndNodeDefaults) {
  FakeObjects f;
  auto p = VolumePayload(Obj(R"j({"name":"v","downwardAPI":{"defaultMode":256,"items":[
      {"path":"name","fieldRef":{"fieldPath":"metadata.name"},"mode":420},
      {"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}},
      {"path":"cpu_limit","resourceFieldRef":{"containerName":"c","resource":"limits.cpu"}},
      {"path":"cpu_request","resourceFieldRef":{"containerName":"c","resource":"requests.cpu"}},
      {"path":"mem_limit","resourceFieldRef":{"containerName":"c","resource":"limits.memory"}},
      {"path":"mem_mi","resourceFieldRef":{"containerName":"c","resource":"limits.memory","divisor":"1Mi"}},
      {"path":"node_cpu","resourceFieldRef":{"containerName":"bare","resource":"limits.cpu"}},
      {"path":"node_mem","resourceFieldRef":{"containerName":"bare","resource":"limits.memory"}}]}})j"),
      kPod, Inputs(f));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->at("name").data, "p");
  EXPECT_EQ(p->at("name").mode, 0644);
  EXPECT_EQ(p->at("labels").data, "a=\"1\"\nb=\"2\"");
  EXPECT_EQ(p->at("labels").mode, 0400);
  EXPECT_EQ(p->at("cpu_limit").data, "2");
  EXPECT_EQ(p->at("cpu_request").data, "1");
  EXPECT_EQ(p->at("mem_limit").data, "67108864");
  EXPECT_EQ(p->at("mem_mi").data, "64");
  EXPECT_EQ(p->at("node_cpu").data, "4");
  EXPECT_EQ(p->at("node_mem").data, std::to_string(8LL << 30));
}

TEST(VolumePayload, ProjectedCombinesSourcesWithVolumeDefaultMode) {
  FakeObjects f;
  f.objects["configmaps/cm"] = Obj(R"j({"data":{"c":"cv"}})j");
  f.objects["secrets/s"] = Obj(R"j({"data":{"s":"c3Y="}})j");
  auto p = VolumePayload(Obj(R"j({"name":"v","projected":{"defaultMode":288,"sources":[
      {"configMap":{"name":"cm"}},
      {"secret":{"name":"s","items":[{"key":"s","path":"sec/s","mode":256}]}},
      {"secret":{"name":"absent","optional":true}},
      {"downwardAPI":{"items":[{"path":"ns","fieldRef":{"fieldPath":"metadata.namespace"}}]}}]}})j"),
      kPod, Inputs(f));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ(p->at("c").data, "cv");
  EXPECT_EQ(p->at("c").mode, 0440);
  EXPECT_EQ(p->at("sec/s").data, "sv");
  EXPECT_EQ(p->at("sec/s").mode, 0400);
  EXPECT_EQ(p->at("ns").data, "ns");
}

class VolumeDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("berth-volumes-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    UnmountVolumes(dir_.string());
    fs::remove_all(dir_);
  }
  std::string Read(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  fs::path dir_;
};

TEST_F(VolumeDirTest, RefreshFollowsUpdatesOptionalSourcesAndLabels) {
  FakeObjects f;
  f.objects["configmaps/req"] = Obj(R"j({"data":{"k":"1"}})j");
  json::object pod = kPod;
  pod["spec"].as_object()["volumes"] = ParseJson(R"j([
      {"name":"req","configMap":{"name":"req"}},
      {"name":"opt","configMap":{"name":"later","optional":true}},
      {"name":"info","downwardAPI":{"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}}]}},
      {"name":"scratch","emptyDir":{}}])j").value();
  auto vols = PrepareVolumes(pod, dir_.string(), Inputs(f));
  ASSERT_TRUE(vols.ok()) << vols.status().ToString();
  EXPECT_TRUE(vols->at("req").read_only);
  EXPECT_FALSE(vols->at("scratch").read_only);
  struct stat st;
  ASSERT_EQ(stat(vols->at("scratch").host_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0777u);
  fs::path vdir = dir_ / "volumes";
  EXPECT_EQ(Read(vdir / "req/k"), "1");
  EXPECT_FALSE(fs::exists(vdir / "opt/k"));
  int sources = 0;
  EXPECT_TRUE(HasContentVolumes(pod, &sources));
  EXPECT_EQ(sources, 2);

  f.objects["configmaps/req"] = Obj(R"j({"data":{"k":"2"}})j");
  f.objects["configmaps/later"] = Obj(R"j({"data":{"k":"late"}})j");
  pod["metadata"].as_object()["labels"].as_object()["c"] = "3";
  ASSERT_TRUE(RefreshVolumes(pod, dir_.string(), Inputs(f)).ok());
  EXPECT_EQ(Read(vdir / "req/k"), "2");
  EXPECT_EQ(Read(vdir / "opt/k"), "late");
  EXPECT_EQ(Read(vdir / "info/labels"), "a=\"1\"\nb=\"2\"\nc=\"3\"");

  // A required source that disappears keeps its content; an optional one empties.
  f.objects.clear();
  EXPECT_TRUE(RefreshVolumes(pod, dir_.string(), Inputs(f)).ok());
  EXPECT_EQ(Read(vdir / "req/k"), "2");
  EXPECT_FALSE(fs::exists(vdir / "opt/k"));
}

TEST_F(VolumeDirTest, MissingRequiredSourceFailsPreparation) {
  FakeObjects f;
  json::object pod = kPod;
  pod["spec"].as_object()["volumes"] =
      ParseJson(R"j([{"name":"v","configMap":{"name":"cfg"}}])j").value();
  auto vols = PrepareVolumes(pod, dir_.string(), Inputs(f));
  EXPECT_EQ(vols.status().reason(), Reason::kNotFound);
  EXPECT_EQ(vols.status().message(), "configmap \"cfg\" not found");
}

TEST_F(VolumeDirTest, SubPathFollowsVolumeLinksButStaysInside) {
  FakeObjects f;
  f.objects["configmaps/cm"] = Obj(R"j({"data":{"key":"value"}})j");
  json::object pod = kPod;
  pod["spec"].as_object()["volumes"] = ParseJson(R"j([
      {"name":"cm","configMap":{"name":"cm"}},
      {"name":"d","downwardAPI":{"items":[{"path":"downward/podname","fieldRef":{"fieldPath":"metadata.name"}}]}},
      {"name":"e","emptyDir":{}}])j").value();
  auto vols = PrepareVolumes(pod, dir_.string(), Inputs(f));
  ASSERT_TRUE(vols.ok()) << vols.status().ToString();
  auto mounts = ContainerMounts(Obj(R"j({"volumeMounts":[
      {"name":"cm","mountPath":"/etc/resolv.conf","subPath":"key"},
      {"name":"d","mountPath":"/p","subPath":"downward/podname"},
      {"name":"e","mountPath":"/w","subPathExpr":"$(POD)/logs"},
      {"name":"e","mountPath":"/all","readOnly":true}]})j"), *vols, {"POD=p"});
  ASSERT_TRUE(mounts.ok()) << mounts.status().ToString();
  ASSERT_EQ(mounts->size(), 4u);
  EXPECT_EQ(Read((*mounts)[0].source), "value");
  EXPECT_TRUE((*mounts)[0].read_only);
  EXPECT_FALSE(fs::is_symlink((*mounts)[0].source));  // resolved to the payload file
  EXPECT_EQ(Read((*mounts)[1].source), "p");
  EXPECT_TRUE(fs::is_directory((*mounts)[2].source));
  EXPECT_FALSE((*mounts)[2].read_only);
  EXPECT_TRUE((*mounts)[3].read_only);

  // A link inside an emptyDir that points out of it is refused.
  fs::create_symlink("/etc", dir_ / "volumes/e/out");
  auto bad = ContainerMounts(
      Obj(R"j({"volumeMounts":[{"name":"e","mountPath":"/x","subPath":"out"}]})j"), *vols, {});
  EXPECT_EQ(bad.status().reason(), Reason::kBadRequest);
  bad = ContainerMounts(
      Obj(R"j({"volumeMounts":[{"name":"e","mountPath":"/x","subPath":"../../x"}]})j"), *vols, {});
  EXPECT_EQ(bad.status().reason(), Reason::kBadRequest);
}

TEST_F(VolumeDirTest, MemoryEmptyDirIsAHostTmpfsUnmountedAtTheEnd) {
  if (geteuid() != 0) GTEST_SKIP() << "mount needs root";
  FakeObjects f;
  json::object pod = kPod;
  pod["spec"].as_object()["volumes"] = ParseJson(
      R"j([{"name":"m","emptyDir":{"medium":"Memory","sizeLimit":"1Mi"}}])j").value();
  auto vols = PrepareVolumes(pod, dir_.string(), Inputs(f));
  ASSERT_TRUE(vols.ok()) << vols.status().ToString();
  const std::string path = vols->at("m").host_path;
  struct statfs sfs;
  ASSERT_EQ(statfs(path.c_str(), &sfs), 0);
  EXPECT_EQ(sfs.f_type, 0x01021994);  // TMPFS_MAGIC
  EXPECT_EQ(static_cast<int64_t>(sfs.f_blocks * sfs.f_bsize), 1 << 20);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0777u);
  // Preparing again (agent restart) does not stack a second mount.
  ASSERT_TRUE(PrepareVolumes(pod, dir_.string(), Inputs(f)).ok());
  // Mounted emptyDirs go through ContainerMounts as plain binds of the shared directory.
  auto mounts = ContainerMounts(
      Obj(R"j({"volumeMounts":[{"name":"m","mountPath":"/cache"}]})j"), *vols, {});
  ASSERT_TRUE(mounts.ok());
  EXPECT_EQ((*mounts)[0].source, path);
  EXPECT_TRUE((*mounts)[0].type.empty() || (*mounts)[0].type == "bind");
  UnmountVolumes(dir_.string());
  ASSERT_EQ(statfs(path.c_str(), &sfs), 0);
  EXPECT_NE(sfs.f_type, 0x01021994);
  std::ifstream mi("/proc/self/mountinfo");
  std::string all((std::istreambuf_iterator<char>(mi)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all.find(dir_.string()), std::string::npos);
}

}  // namespace
}  // namespace berth::agent
