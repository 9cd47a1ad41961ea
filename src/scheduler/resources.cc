#include "scheduler/resources.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "api/validation/quantity.h"

namespace berth::scheduler {

namespace {

bool IsScalarName(std::string_view name) {
  return name != "cpu" && name != "memory" && name != "ephemeral-storage" && name != "pods" &&
         name != "storage";
}

// Sets or adds `name` = `v` into `r` (set = true replaces).
void Put(Resources& r, std::string_view name, int64_t v) {
  if (name == "cpu") {
    r.milli_cpu = v;
  } else if (name == "memory") {
    r.memory = v;
  } else if (name == "ephemeral-storage") {
    r.ephemeral_storage = v;
  } else if (IsScalarName(name)) {
    r.AddScalar(std::string(name), v - r.Scalar(std::string(name)));
  }
}

std::optional<int64_t> QuantityOf(std::string_view name, const json::value& v) {
  std::string text;
  if (v.is_string()) {
    text = std::string(v.as_string());
  } else if (v.is_int64()) {
    text = std::to_string(v.as_int64());
  } else if (v.is_uint64()) {
    text = std::to_string(v.as_uint64());
  } else if (v.is_double()) {
    text = std::to_string(v.as_double());
  } else {
    return std::nullopt;
  }
  auto q = api::validation::ParseQuantity(text);
  if (!q) return std::nullopt;
  return name == "cpu" ? q->MilliValue() : q->Value();
}

// requests, with limits filling in the resources that have no request.
Resources ContainerRequests(const json::object& c, bool non_zero) {
  Resources r;
  const json::value* limits = GetPath(c, {"resources", "limits"});
  const json::value* requests = GetPath(c, {"resources", "requests"});
  if (limits && limits->is_object()) {
    for (const auto& [k, v] : limits->as_object()) {
      if (auto q = QuantityOf(k, v)) Put(r, k, *q);
    }
  }
  if (requests && requests->is_object()) {
    for (const auto& [k, v] : requests->as_object()) {
      if (auto q = QuantityOf(k, v)) Put(r, k, *q);
    }
  }
  if (non_zero) {
    if (r.milli_cpu == 0) r.milli_cpu = kDefaultMilliCpuRequest;
    if (r.memory == 0) r.memory = kDefaultMemoryRequest;
  }
  return r;
}

}  // namespace

int64_t Resources::Scalar(const std::string& name) const {
  for (const auto& [k, v] : scalars) {
    if (k == name) return v;
  }
  return 0;
}

void Resources::AddScalar(const std::string& name, int64_t v) {
  auto it = std::lower_bound(scalars.begin(), scalars.end(), name,
                             [](const auto& p, const std::string& n) { return p.first < n; });
  if (it != scalars.end() && it->first == name) {
    it->second += v;
  } else {
    scalars.insert(it, {name, v});
  }
}

void Resources::Add(const Resources& o) {
  milli_cpu += o.milli_cpu;
  memory += o.memory;
  ephemeral_storage += o.ephemeral_storage;
  for (const auto& [k, v] : o.scalars) AddScalar(k, v);
}

void Resources::Subtract(const Resources& o) {
  milli_cpu -= o.milli_cpu;
  memory -= o.memory;
  ephemeral_storage -= o.ephemeral_storage;
  for (const auto& [k, v] : o.scalars) AddScalar(k, -v);
}

void Resources::SetMax(const Resources& o) {
  milli_cpu = std::max(milli_cpu, o.milli_cpu);
  memory = std::max(memory, o.memory);
  ephemeral_storage = std::max(ephemeral_storage, o.ephemeral_storage);
  for (const auto& [k, v] : o.scalars) {
    int64_t cur = Scalar(k);
    if (v > cur) AddScalar(k, v - cur);
  }
}

bool Resources::IsZero() const {
  if (milli_cpu != 0 || memory != 0 || ephemeral_storage != 0) return false;
  for (const auto& [k, v] : scalars) {
    if (v != 0) return false;
  }
  return true;
}

Resources ParseResourceList(const json::value* list, int64_t* pods) {
  Resources r;
  if (!list || !list->is_object()) return r;
  for (const auto& [k, v] : list->as_object()) {
    auto q = QuantityOf(k, v);
    if (!q) continue;
    if (k == "pods") {
      if (pods) *pods = *q;
      continue;
    }
    Put(r, k, *q);
  }
  return r;
}

Resources PodRequests(const json::object& spec, bool non_zero) {
  Resources sum;
  if (const auto* cs = spec.if_contains("containers"); cs && cs->is_array()) {
    for (const auto& c : cs->as_array()) {
      if (c.is_object()) sum.Add(ContainerRequests(c.as_object(), non_zero));
    }
  }
  Resources sidecars;   // restartable init containers started so far
  Resources init_max;   // the largest transient need during initialization
  if (const auto* cs = spec.if_contains("initContainers"); cs && cs->is_array()) {
    for (const auto& c : cs->as_array()) {
      if (!c.is_object()) continue;
      Resources r = ContainerRequests(c.as_object(), non_zero);
      if (GetString(c.as_object(), {"restartPolicy"}) == "Always") {
        sidecars.Add(r);
        init_max.SetMax(sidecars);
      } else {
        r.Add(sidecars);
        init_max.SetMax(r);
      }
    }
  }
  sum.Add(sidecars);
  sum.SetMax(init_max);
  if (const auto* oh = spec.if_contains("overhead")) sum.Add(ParseResourceList(oh));
  return sum;
}

}  // namespace berth::scheduler
