// A small cluster's worth of services and slices shared by the zone and resolver tests.
//
// Address plan: cluster IPs 10.96.0.0/16, pod IPs 10.244.0.0/16, "big" 10.245.0.0/16.
#pragma once

#include <string>

#include "dns/name.h"
#include "dns/zone.h"

namespace berth::dns::testing {

inline uint32_t Ip(const std::string& s) { return *ParseIPv4(s); }

inline void FillZone(Zone* zone) {
  // web: a ClusterIP service with two ports and one ready, one unready endpoint.
  ServiceInfo web{"default", "web", ServiceInfo::Kind::kClusterIP, {Ip("10.96.0.10")}, "",
                  {{"http", "tcp", 80}, {"dns", "udp", 53}}, false};
  zone->UpsertService(web);
  zone->UpsertSlice(SliceInfo{"default", "web-abc", "web",
                              {{{Ip("10.244.1.5")}, true, ""}, {{Ip("10.244.1.6")}, false, ""}},
                              {{"http", "tcp", 8080}}});
  // db: headless, StatefulSet-style hostnames, one endpoint without hostname, one unready.
  ServiceInfo db{"default", "db", ServiceInfo::Kind::kHeadless, {}, "", {{"pg", "tcp", 5432}}, false};
  zone->UpsertService(db);
  zone->UpsertSlice(SliceInfo{"default", "db-1", "db",
                              {{{Ip("10.244.2.1")}, true, "db-0"},
                               {{Ip("10.244.2.2")}, true, "db-1"},
                               {{Ip("10.244.2.3")}, true, ""},
                               {{Ip("10.244.2.4")}, false, "db-3"}},
                              {{"pg", "tcp", 5432}}});
  // ext: ExternalName.
  zone->UpsertService(ServiceInfo{"default", "ext", ServiceInfo::Kind::kExternalName, {},
                                  "example.com.", {}, false});
  // pending: headless with publishNotReadyAddresses and only unready endpoints.
  zone->UpsertService(ServiceInfo{"default", "pending", ServiceInfo::Kind::kHeadless, {}, "", {},
                                  true});
  zone->UpsertSlice(SliceInfo{"default", "pending-1", "pending",
                              {{{Ip("10.244.3.1")}, false, ""}}, {}});
  // big: headless with 100 ready endpoints in two slices (other namespace).
  zone->UpsertService(ServiceInfo{"other", "big", ServiceInfo::Kind::kHeadless, {}, "",
                                  {{"http", "tcp", 80}}, false});
  for (int s = 0; s < 2; ++s) {
    SliceInfo slice{"other", "big-" + std::to_string(s), "big", {}, {{"http", "tcp", 80}}};
    for (int i = 0; i < 50; ++i) {
      slice.endpoints.push_back(
          {{Ip("10.245." + std::to_string(s) + "." + std::to_string(i + 1))}, true, ""});
    }
    zone->UpsertSlice(slice);
  }
}

}  // namespace berth::dns::testing
