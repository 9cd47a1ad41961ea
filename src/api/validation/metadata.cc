#include "api/validation/metadata.h"

#include <algorithm>
#include <cctype>

#include "api/validation/field_error.h"
#include "api/validation/names.h"

namespace berth::api::validation {
namespace {

// Returns the string member `key`, "" when absent; sets *bad when present but not a string.
std::string StringMember(const json::object& o, std::string_view key, bool* bad = nullptr) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return "";
  if (!it->value().is_string()) {
    if (bad) *bad = true;
    return "";
  }
  return std::string(it->value().get_string());
}

const json::value* Member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

void ValidateNameField(std::vector<Cause>* out, const json::object& meta, std::string_view key,
                       NameRule rule, bool prefix) {
  const json::value* v = Member(meta, key);
  if (!v) return;
  std::string field = "metadata." + std::string(key);
  if (!v->is_string()) {
    out->push_back(InvalidCause(field, *v, "must be a string"));
    return;
  }
  std::string_view s = v->get_string();
  if (s.empty()) return;
  AppendInvalid(out, field, s, ValidateName(s, rule, prefix));
}

// labels / annotations: an object whose values are all strings.
void ValidateStringMap(std::vector<Cause>* out, const json::value* v, const std::string& field,
                       bool annotations) {
  if (!v) return;
  if (!v->is_object()) {
    out->push_back(InvalidCause(field, *v, "must be an object of string values"));
    return;
  }
  int64_t total = 0;
  for (const auto& kv : v->get_object()) {
    std::string key(kv.key());
    if (annotations) {
      std::string lower = key;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      AppendInvalid(out, field, key, IsQualifiedName(lower));
    } else {
      AppendInvalid(out, field, key, IsQualifiedName(key));
    }
    if (!kv.value().is_string()) {
      out->push_back(InvalidCause(field + "." + key, kv.value(), "must be a string"));
      continue;
    }
    std::string_view val = kv.value().get_string();
    total += static_cast<int64_t>(key.size() + val.size());
    if (!annotations) AppendInvalid(out, field, val, IsValidLabelValue(val));
  }
  if (annotations && total > kTotalAnnotationSizeLimitBytes) {
    out->push_back(TooLongCause(field, kTotalAnnotationSizeLimitBytes));
  }
}

void ValidateOwnerReferences(std::vector<Cause>* out, const json::value* v) {
  if (!v) return;
  const std::string field = "metadata.ownerReferences";
  if (!v->is_array()) {
    out->push_back(InvalidCause(field, *v, "must be a list of owner references"));
    return;
  }
  std::string controller;  // "Kind/name" of the first controller seen
  for (const auto& item : v->get_array()) {
    if (!item.is_object()) {
      out->push_back(InvalidCause(field, item, "must be an object"));
      continue;
    }
    const json::object& ref = item.get_object();
    static const struct {
      const char* key;
      const char* detail;
    } kRequired[] = {{"apiVersion", "version must not be empty"},
                     {"kind", "kind must not be empty"},
                     {"name", "name must not be empty"},
                     {"uid", "uid must not be empty"}};
    for (const auto& r : kRequired) {
      bool bad = false;
      std::string s = StringMember(ref, r.key, &bad);
      if (bad) {
        out->push_back(InvalidCause(field + "." + r.key, ref.at(r.key), "must be a string"));
      } else if (s.empty()) {
        out->push_back(InvalidCause(field + "." + r.key, std::string_view(s), r.detail));
      }
    }
    const json::value* c = Member(ref, "controller");
    if (c && c->is_bool() && c->get_bool()) {
      std::string me = StringMember(ref, "kind") + "/" + StringMember(ref, "name");
      if (controller.empty()) {
        controller = me;
      } else {
        out->push_back(InvalidCause(
            field, *v,
            "Only one reference can have Controller set to true. Found \"true\" in references "
            "for " + controller + " and " + me));
      }
    }
  }
}

void ValidateFinalizers(std::vector<Cause>* out, const json::value* v) {
  if (!v) return;
  const std::string field = "metadata.finalizers";
  if (!v->is_array()) {
    out->push_back(InvalidCause(field, *v, "must be a list of strings"));
    return;
  }
  bool orphan = false, foreground = false;
  for (const auto& f : v->get_array()) {
    if (!f.is_string()) {
      out->push_back(InvalidCause(field, f, "must be a string"));
      continue;
    }
    std::string_view s = f.get_string();
    AppendInvalid(out, field, s, IsQualifiedName(s));
    if (s == "orphan") orphan = true;
    if (s == "foregroundDeletion") foreground = true;
  }
  if (orphan && foreground) {
    out->push_back(
        InvalidCause(field, *v, "finalizer orphan and foregroundDeletion cannot be both set"));
  }
}

// Kubernetes replaces a trailing '-' of a generateName prefix before checking it.
std::string MaskTrailingDash(std::string_view s) {
  std::string out(s);
  if (out.size() > 1 && out.back() == '-') out.back() = 'a';
  return out;
}

void CheckImmutable(std::vector<Cause>* out, const json::object& nm, const json::object& om,
                    std::string_view key, bool absent_means_unchanged) {
  const json::value* n = Member(nm, key);
  const json::value* o = Member(om, key);
  if (!n && absent_means_unchanged) return;
  json::value nv = n ? *n : json::value(nullptr);
  json::value ov = o ? *o : json::value(nullptr);
  // name/namespace compare as strings: absent equals "".
  if (key == "name" || key == "namespace") {
    if (nv.is_null()) nv = "";
    if (ov.is_null()) ov = "";
  }
  if (nv != ov) {
    out->push_back(InvalidCause("metadata." + std::string(key), nv, "field is immutable"));
  }
}

std::vector<std::string> StringList(const json::value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->get_array()) {
    if (e.is_string()) out.emplace_back(e.get_string());
  }
  return out;
}

}  // namespace

std::vector<std::string> ValidateName(std::string_view name, NameRule rule, bool prefix) {
  switch (rule) {
    case NameRule::kDNS1123Subdomain:
      return IsDNS1123Subdomain(prefix ? MaskTrailingDash(name) : std::string(name));
    case NameRule::kDNS1123Label:
      return IsDNS1123Label(prefix ? MaskTrailingDash(name) : std::string(name));
    case NameRule::kDNS1035Label:
      return IsDNS1035Label(prefix ? MaskTrailingDash(name) : std::string(name));
    case NameRule::kPathSegment: {
      if (!prefix && (name == "." || name == "..")) {
        return {"may not be '" + std::string(name) + "'"};
      }
      std::vector<std::string> errs;
      if (name.find('/') != std::string_view::npos) errs.push_back("may not contain '/'");
      if (name.find('%') != std::string_view::npos) errs.push_back("may not contain '%'");
      return errs;
    }
  }
  return {};
}

std::vector<Cause> ValidateObjectMeta(const json::object& meta, bool namespaced, NameRule rule,
                                      bool is_create) {
  std::vector<Cause> out;
  bool bad_name = false, bad_generate = false;
  std::string name = StringMember(meta, "name", &bad_name);
  std::string generate = StringMember(meta, "generateName", &bad_generate);

  ValidateNameField(&out, meta, "generateName", rule, /*prefix=*/true);
  if (name.empty() && !bad_name && !(is_create && !generate.empty())) {
    out.push_back(RequiredCause("metadata.name", "name or generateName is required"));
  } else {
    ValidateNameField(&out, meta, "name", rule, /*prefix=*/false);
  }

  bool bad_ns = false;
  std::string ns = StringMember(meta, "namespace", &bad_ns);
  if (bad_ns) {
    out.push_back(InvalidCause("metadata.namespace", meta.at("namespace"), "must be a string"));
  } else if (namespaced) {
    if (ns.empty()) {
      out.push_back(RequiredCause("metadata.namespace"));
    } else {
      AppendInvalid(&out, "metadata.namespace", ns, IsDNS1123Label(ns));
    }
  } else if (!ns.empty()) {
    out.push_back(ForbiddenCause("metadata.namespace", "not allowed on this type"));
  }

  if (const json::value* g = Member(meta, "generation")) {
    if (!g->is_number()) {
      out.push_back(InvalidCause("metadata.generation", *g, "must be an integer"));
    } else if ((g->is_int64() && g->get_int64() < 0) || (g->is_double() && g->get_double() < 0)) {
      out.push_back(
          InvalidCause("metadata.generation", *g, "must be greater than or equal to 0"));
    }
  }

  ValidateStringMap(&out, Member(meta, "labels"), "metadata.labels", /*annotations=*/false);
  ValidateStringMap(&out, Member(meta, "annotations"), "metadata.annotations",
                    /*annotations=*/true);
  ValidateOwnerReferences(&out, Member(meta, "ownerReferences"));
  ValidateFinalizers(&out, Member(meta, "finalizers"));
  return out;
}

std::vector<Cause> ValidateObjectMetaUpdate(const json::object& new_meta,
                                            const json::object& old_meta) {
  std::vector<Cause> out;
  CheckImmutable(&out, new_meta, old_meta, "name", false);
  CheckImmutable(&out, new_meta, old_meta, "namespace", false);
  CheckImmutable(&out, new_meta, old_meta, "uid", true);
  CheckImmutable(&out, new_meta, old_meta, "creationTimestamp", true);
  // Deletion fields are managed by the server; once set they stay.
  if (Member(old_meta, "deletionTimestamp")) {
    CheckImmutable(&out, new_meta, old_meta, "deletionTimestamp", true);
    CheckImmutable(&out, new_meta, old_meta, "deletionGracePeriodSeconds", true);
    std::vector<std::string> old_f = StringList(Member(old_meta, "finalizers"));
    std::vector<std::string> added;
    for (const auto& f : StringList(Member(new_meta, "finalizers"))) {
      if (std::find(old_f.begin(), old_f.end(), f) == old_f.end() &&
          std::find(added.begin(), added.end(), f) == added.end()) {
        added.push_back(f);
      }
    }
    if (!added.empty()) {
      std::sort(added.begin(), added.end());
      std::string list = "[]string{";
      for (size_t i = 0; i < added.size(); ++i) {
        if (i) list += ", ";
        list += GoQuote(added[i]);
      }
      list += "}";
      out.push_back(ForbiddenCause(
          "metadata.finalizers",
          "no new finalizers can be added if the object is being deleted, found new finalizers " +
              list));
    }
  }
  const json::value* ng = Member(new_meta, "generation");
  const json::value* og = Member(old_meta, "generation");
  if (ng && og && ng->is_int64() && og->is_int64() && ng->get_int64() < og->get_int64()) {
    out.push_back(InvalidCause("metadata.generation", *ng, "must not be decremented"));
  }
  return out;
}

}  // namespace berth::api::validation
