// EndpointsFixture: a ControlPlane with the EndpointSlice and Endpoints controllers and helpers
// to make services, pods (with IPs, readiness, container ports) and nodes, and to sync once the
// informers have caught up with the server. Workers are not started unless a test does.
#pragma once

// Tests build pods with designated initializers of PodOpts, leaving the rest at their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../testing/control_plane.h"
#include "controllers/endpointslice/endpoints_controller.h"
#include "controllers/endpointslice/endpointslice_controller.h"

namespace berth::controllers {

// Forwards to the server's client and counts the writes (the server does not bump the
// resourceVersion of an update that changes nothing, so versions alone cannot show that the
// controllers compare before writing).
class CountingClient : public client::Interface {
 public:
  explicit CountingClient(client::Interface* inner) : inner_(inner) {}
  StatusOr<json::value> Get(const std::string& path) override { return inner_->Get(path); }
  StatusOr<json::value> Create(const std::string& path, const json::value& obj) override {
    ++writes;
    return inner_->Create(path, obj);
  }
  StatusOr<json::value> Update(const std::string& path, const json::value& obj) override {
    ++writes;
    return inner_->Update(path, obj);
  }
  StatusOr<json::value> Patch(const std::string& path, const json::value& patch,
                              client::PatchType type) override {
    ++writes;
    return inner_->Patch(path, patch, type);
  }
  Status Delete(const std::string& path, const json::value& options) override {
    ++writes;
    return inner_->Delete(path, options);
  }
  Status Watch(const std::string& path,
               const std::function<bool(const std::string&, json::value&)>& on_event,
               const std::atomic<bool>* stop) override {
    return inner_->Watch(path, on_event, stop);
  }
  std::atomic<int> writes{0};

 private:
  client::Interface* inner_;
};

class EndpointsFixture : public ::testing::Test {
 protected:
  static constexpr const char* kSlices =
      "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices";
  static constexpr const char* kEndpoints = "/api/v1/namespaces/default/endpoints";

  void SetUp() override {
    cp.clock.Advance(std::chrono::system_clock::now() - cp.clock.Now());
    controller::Context ctx = cp.ctx();
    ctx.client = &counting;
    slices = std::make_unique<EndpointSliceController>(ctx);
    eps = std::make_unique<EndpointsController>(ctx);
    cp.StartInformers();
  }
  void TearDown() override {
    cp.StopInformers();  // no handler may run into a destroyed controller
    slices.reset();
    eps.reset();
  }

  // A ClusterIP service (clusterIP "None" when `headless`); `selector` may be empty (none).
  json::object CreateService(const std::string& name, json::object selector, json::array ports,
                             json::object extra_spec = {}, json::object labels = {}) {
    json::object spec = std::move(extra_spec);
    if (!selector.empty()) spec["selector"] = std::move(selector);
    if (!ports.empty()) spec["ports"] = std::move(ports);
    json::object meta{{"name", name}};
    if (!labels.empty()) meta["labels"] = std::move(labels);
    return cp.Create("/api/v1/namespaces/default/services",
                     json::object{{"apiVersion", "v1"},
                                  {"kind", "Service"},
                                  {"metadata", std::move(meta)},
                                  {"spec", std::move(spec)}});
  }
  static json::object Port(const std::string& name, int64_t port, json::value target = nullptr) {
    json::object p{{"port", port}, {"protocol", "TCP"}};
    if (!name.empty()) p["name"] = name;
    if (!target.is_null()) p["targetPort"] = target;
    return p;
  }

  struct PodOpts {
    std::string ip;
    bool ready = true;
    std::string node;
    std::string hostname;
    std::string subdomain;
    json::array container_ports;  // [{name, containerPort}]
    std::string phase = "Running";
  };
  json::object CreatePod(const std::string& name, json::object labels, const PodOpts& o) {
    json::object container{{"name", "c"}, {"image", "x"}};
    if (!o.container_ports.empty()) container["ports"] = o.container_ports;
    json::object spec{{"containers", json::array{container}}};
    if (!o.node.empty()) spec["nodeName"] = o.node;
    if (!o.hostname.empty()) spec["hostname"] = o.hostname;
    if (!o.subdomain.empty()) spec["subdomain"] = o.subdomain;
    json::object pod =
        cp.Create("/api/v1/namespaces/default/pods",
                  json::object{{"apiVersion", "v1"},
                               {"kind", "Pod"},
                               {"metadata", json::object{{"name", name}, {"labels", labels}}},
                               {"spec", spec}});
    SetStatus(name, o.ip, o.ready, o.phase);
    return pod;
  }
  void SetStatus(const std::string& pod, const std::string& ip, bool ready,
                 const std::string& phase = "Running") {
    json::object status{
        {"phase", phase},
        {"conditions",
         json::array{json::object{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}};
    if (!ip.empty()) {
      status["podIP"] = ip;
      status["podIPs"] = json::array{json::object{{"ip", ip}}};
    }
    auto r = cp.client()->Patch("/api/v1/namespaces/default/pods/" + pod + "/status",
                                json::object{{"status", status}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  static json::array NamedPort(const std::string& name, int64_t port) {
    return json::array{json::object{{"name", name}, {"containerPort", port}, {"protocol", "TCP"}}};
  }
  void CreateNode(const std::string& name, const std::string& zone) {
    json::object labels;
    if (!zone.empty()) labels["topology.kubernetes.io/zone"] = zone;
    cp.Create("/api/v1/nodes",
              json::object{{"apiVersion", "v1"},
                           {"kind", "Node"},
                           {"metadata", json::object{{"name", name}, {"labels", labels}}}});
  }

  // Waits until every informer the controllers use matches the server.
  void CatchUp() {
    struct Res {
      const char* informer;
      std::string list;
      std::string ns;
    };
    std::vector<Res> res = {{"/api/v1/pods", "/api/v1/namespaces/default/pods", "default"},
                            {"/api/v1/services", "/api/v1/namespaces/default/services", "default"},
                            {"/api/v1/endpoints", kEndpoints, "default"},
                            {"/apis/discovery.k8s.io/v1/endpointslices", kSlices, "default"},
                            {"/api/v1/nodes", "/api/v1/nodes", ""}};
    for (const auto& r : res) {
      auto items = cp.List(r.list);
      EXPECT_TRUE(cp.WaitFor([&] {
        auto* inf = cp.informers()->For(r.informer);
        if (inf->List(r.ns).size() != items.size()) return false;
        for (const auto& o : items) {
          auto c = inf->Get(r.ns, GetString(o, {"metadata", "name"}));
          if (!c || GetString(*c, {"metadata", "resourceVersion"}) !=
                        GetString(o, {"metadata", "resourceVersion"})) {
            return false;
          }
        }
        return true;
      })) << r.list;
    }
  }
  // Syncs both controllers for the service once the caches have caught up.
  void Sync(const std::string& svc) {
    CatchUp();
    Status a = slices->SyncNow("default/" + svc);
    EXPECT_TRUE(a.ok()) << a.ToString();
    Status b = eps->SyncNow("default/" + svc);
    EXPECT_TRUE(b.ok()) << b.ToString();
  }

  // The service's slices as stored (by label), sorted by name.
  json::array SlicesOf(const std::string& svc) {
    return cp.List(std::string(kSlices) + "?labelSelector=kubernetes.io%2Fservice-name%3D" + svc);
  }
  // Every endpoint of the service's slices.
  std::vector<json::object> EndpointsIn(const json::array& slices_list) {
    std::vector<json::object> out;
    for (const auto& s : slices_list) {
      const json::value* e = GetPath(s, {"endpoints"});
      if (!e || !e->is_array()) continue;
      for (const auto& x : e->as_array()) out.push_back(x.as_object());
    }
    return out;
  }
  // The endpoint of `pod` in the slices, empty when absent.
  json::object EndpointOf(const json::array& slices_list, const std::string& pod) {
    for (const auto& e : EndpointsIn(slices_list)) {
      if (GetString(e, {"targetRef", "name"}) == pod) return e;
    }
    return {};
  }
  StatusOr<json::value> GetEndpoints(const std::string& svc) {
    return cp.client()->Get(std::string(kEndpoints) + "/" + svc);
  }
  static bool Cond(const json::object& ep, const char* c) {
    const json::value* v = GetPath(ep, {"conditions", c});
    return v && v->is_bool() && v->as_bool();
  }
  // name -> resourceVersion of the service's slices.
  std::map<std::string, std::string> SliceVersions(const std::string& svc) {
    std::map<std::string, std::string> out;
    for (const auto& s : SlicesOf(svc)) {
      out[GetString(s, {"metadata", "name"})] = GetString(s, {"metadata", "resourceVersion"});
    }
    return out;
  }

  testing::ControlPlane cp;
  CountingClient counting{cp.client()};  // the controllers' client
  std::unique_ptr<EndpointSliceController> slices;
  std::unique_ptr<EndpointsController> eps;
};

}  // namespace berth::controllers
