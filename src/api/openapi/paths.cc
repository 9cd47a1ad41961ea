#include "api/openapi/paths.h"

#include <algorithm>
#include <cctype>

#include "api/openapi/components.h"
#include "api/openapi/meta_types.h"

namespace berth::api::openapi {

std::string ApiPrefix(const std::string& group, const std::string& version) {
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

namespace {

std::string Capitalize(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// "apps" -> "apps", "networking.k8s.io" -> "networking", "" -> "core".
std::string GroupShortName(const std::string& group) {
  if (group.empty()) return "core";
  return group.substr(0, group.find('.'));
}

json::object Param(const std::string& name, const std::string& in, const std::string& type,
                   const std::string& description) {
  json::object p;
  p["name"] = name;
  p["in"] = in;
  p["description"] = description;
  if (in == "path") p["required"] = true;
  json::object schema;
  schema["type"] = type;
  schema["uniqueItems"] = true;
  p["schema"] = std::move(schema);
  return p;
}

json::object Query(const std::string& name) {
  // Short descriptions of kube's standard query parameters.
  static const std::map<std::string, std::pair<std::string, std::string>> kParams = {
      {"allowWatchBookmarks",
       {"boolean", "Ask for BOOKMARK events on a watch; servers may ignore it."}},
      {"continue", {"string", "Token from a previous page of a paged list."}},
      {"dryRun",
       {"string", "\"All\" processes the request fully (admission, validation) without "
                  "persisting anything."}},
      {"fieldManager",
       {"string", "Name of the actor making the change, recorded in managedFields. Required "
                  "for apply patches."}},
      {"fieldSelector", {"string", "Restrict results by field values (metadata.name=x)."}},
      {"fieldValidation",
       {"string", "How to treat unknown or duplicate fields in the request body: Ignore drops "
                  "them, Warn drops them with a Warning header, Strict rejects the request."}},
      {"force",
       {"boolean", "For apply patches: take ownership of conflicting fields from other "
                   "managers. Must be unset for other patch types."}},
      {"gracePeriodSeconds",
       {"integer", "Seconds to wait before deleting; 0 deletes at once."}},
      {"labelSelector", {"string", "Restrict results by labels (app=web,tier!=db)."}},
      {"limit", {"integer", "Maximum number of items per page."}},
      {"orphanDependents", {"boolean", "Deprecated; use propagationPolicy."}},
      {"pretty", {"string", "When true, indent the output."}},
      {"propagationPolicy",
       {"string", "How dependents are garbage collected: Orphan, Background or Foreground."}},
      {"resourceVersion",
       {"string", "Read at (or watch from) this resourceVersion; semantics depend on "
                  "resourceVersionMatch."}},
      {"resourceVersionMatch",
       {"string", "How resourceVersion is applied to a list: Exact or NotOlderThan."}},
      {"sendInitialEvents",
       {"boolean", "Start a watch with synthetic events for the current state."}},
      {"timeoutSeconds", {"integer", "End the list or watch call after this many seconds."}},
      {"watch",
       {"boolean", "Stream add, update and delete events instead of returning a list."}},
  };
  auto it = kParams.find(name);
  if (it == kParams.end()) return Param(name, "query", "string", "");
  return Param(name, "query", it->second.first, it->second.second);
}

json::array Queries(std::initializer_list<const char*> names) {
  json::array a;
  for (const char* n : names) a.emplace_back(Query(n));
  return a;
}

json::array ListParams() {
  return Queries({"allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit",
                  "resourceVersion", "resourceVersionMatch", "sendInitialEvents",
                  "timeoutSeconds", "watch"});
}

json::object Content(const std::string& ref, bool streaming) {
  json::object c;
  std::vector<std::string> types = {"application/json", "application/yaml",
                                    "application/vnd.kubernetes.protobuf"};
  if (streaming) {
    types.push_back("application/json;stream=watch");
    types.push_back("application/vnd.kubernetes.protobuf;stream=watch");
  }
  for (const auto& t : types) c[t] = json::object{{"schema", Ref(ref)}};
  return c;
}

json::object Responses(std::initializer_list<std::pair<const char*, const char*>> codes,
                       const std::string& ref, bool streaming = false) {
  json::object r;
  for (const auto& [code, desc] : codes) {
    json::object resp;
    resp["description"] = desc;
    resp["content"] = Content(ref, streaming);
    r[code] = std::move(resp);
  }
  r["401"] = json::object{{"description", "Unauthorized"}};
  return r;
}

json::object BodyOf(const std::string& ref, bool required) {
  json::object b;
  b["content"] = json::object{{"*/*", json::object{{"schema", Ref(ref)}}}};
  if (required) b["required"] = true;
  return b;
}

json::object PatchBody() {
  json::object content;
  for (const char* t : {"application/apply-patch+yaml", "application/json-patch+json",
                        "application/merge-patch+json", "application/strategic-merge-patch+json"}) {
    content[t] = json::object{{"schema", Ref(MetaName("Patch"))}};
  }
  json::object b;
  b["content"] = std::move(content);
  b["required"] = true;
  return b;
}

struct OpNames {
  std::string tag;      // "apps_v1"
  std::string gv;       // "AppsV1"
  std::string scope;    // "Namespaced" or ""
  std::string kind;     // "Deployment"
};

json::object Operation(const OpNames& n, const std::string& verb, const std::string& suffix,
                       const std::string& description, const std::string& action,
                       json::object gvk, json::array params) {
  json::object op;
  op["tags"] = json::array{json::string(n.tag)};
  op["description"] = description;
  op["operationId"] = verb + n.gv + suffix;
  if (!params.empty()) op["parameters"] = std::move(params);
  op["x-kubernetes-action"] = action;
  op["x-kubernetes-group-version-kind"] = std::move(gvk);
  return op;
}

json::array PathParams(bool name, bool ns) {
  json::array a;
  if (name) a.emplace_back(Param("name", "path", "string", "Name of the object."));
  if (ns) a.emplace_back(Param("namespace", "path", "string", "Namespace of the objects."));
  a.emplace_back(Query("pretty"));
  return a;
}

bool HasVerb(const ResourceType& rt, const std::string& verb) {
  return std::find(rt.verbs.begin(), rt.verbs.end(), verb) != rt.verbs.end();
}

// get/put/patch on `path` for a subresource (status or scale).
json::object SubresourceItem(const OpNames& n, const ResourceType& rt, const std::string& sub,
                             const std::string& ref, json::object gvk, bool ns) {
  std::string suffix = n.scope + n.kind + Capitalize(sub);
  json::object item;
  if (HasVerb(rt, "get")) {
    json::object op = Operation(n, "read", suffix, "read " + sub + " of the specified " + n.kind,
                                "get", gvk, {});
    op["responses"] = Responses({{"200", "OK"}}, ref);
    item["get"] = std::move(op);
  }
  if (HasVerb(rt, "update")) {
    json::object op =
        Operation(n, "replace", suffix, "replace " + sub + " of the specified " + n.kind, "put",
                  gvk, Queries({"dryRun", "fieldManager", "fieldValidation"}));
    op["requestBody"] = BodyOf(ref, true);
    op["responses"] = Responses({{"200", "OK"}, {"201", "Created"}}, ref);
    item["put"] = std::move(op);
  }
  if (HasVerb(rt, "patch")) {
    json::object op = Operation(n, "patch", suffix,
                                "partially update " + sub + " of the specified " + n.kind, "patch",
                                gvk,
                                Queries({"dryRun", "fieldManager", "fieldValidation", "force"}));
    op["requestBody"] = PatchBody();
    op["responses"] = Responses({{"200", "OK"}, {"201", "Created"}}, ref);
    item["patch"] = std::move(op);
  }
  item["parameters"] = PathParams(true, ns);
  return item;
}

}  // namespace

void AddResourcePaths(const ResourceType& rt, const std::string& kind_ref,
                      const std::string& list_ref, std::map<std::string, json::object>& paths) {
  const std::string prefix = ApiPrefix(rt.group, rt.version);
  const bool ns = rt.namespaced;
  OpNames n;
  n.tag = GroupShortName(rt.group) + "_" + rt.version;
  n.gv = Capitalize(GroupShortName(rt.group)) + Capitalize(rt.version);
  n.scope = ns ? "Namespaced" : "";
  n.kind = rt.kind;
  const json::object gvk = Gvk(rt.group, rt.version, rt.kind);
  const std::string status_ref = MetaName("Status");
  const std::string collection =
      ns ? prefix + "/namespaces/{namespace}/" + rt.plural : prefix + "/" + rt.plural;
  const std::string item_path = collection + "/{name}";

  // Collection: list, create, deletecollection.
  {
    json::object item;
    if (HasVerb(rt, "list")) {
      json::object op = Operation(n, "list", n.scope + n.kind, "list or watch objects of kind " +
                                  rt.kind, "list", gvk, ListParams());
      op["responses"] = Responses({{"200", "OK"}}, list_ref, /*streaming=*/true);
      item["get"] = std::move(op);
    }
    if (HasVerb(rt, "create")) {
      json::object op = Operation(n, "create", n.scope + n.kind, "create a " + rt.kind, "post",
                                  gvk, Queries({"dryRun", "fieldManager", "fieldValidation"}));
      op["requestBody"] = BodyOf(kind_ref, true);
      op["responses"] =
          Responses({{"200", "OK"}, {"201", "Created"}, {"202", "Accepted"}}, kind_ref);
      item["post"] = std::move(op);
    }
    if (HasVerb(rt, "deletecollection")) {
      json::object op = Operation(
          n, "delete", "Collection" + n.scope + n.kind, "delete a collection of " + rt.kind,
          "deletecollection", gvk,
          Queries({"continue", "dryRun", "fieldSelector", "gracePeriodSeconds", "labelSelector",
                   "limit", "orphanDependents", "propagationPolicy", "resourceVersion",
                   "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds"}));
      op["requestBody"] = BodyOf(MetaName("DeleteOptions"), false);
      op["responses"] = Responses({{"200", "OK"}}, status_ref);
      item["delete"] = std::move(op);
    }
    if (!item.empty()) {
      item["parameters"] = PathParams(false, ns);
      paths[collection] = std::move(item);
    }
  }

  // Single object: read, replace, patch, delete.
  {
    json::object item;
    const std::string suffix = n.scope + n.kind;
    if (HasVerb(rt, "get")) {
      json::object op =
          Operation(n, "read", suffix, "read the specified " + rt.kind, "get", gvk, {});
      op["responses"] = Responses({{"200", "OK"}}, kind_ref);
      item["get"] = std::move(op);
    }
    if (HasVerb(rt, "update")) {
      json::object op = Operation(n, "replace", suffix, "replace the specified " + rt.kind, "put",
                                  gvk, Queries({"dryRun", "fieldManager", "fieldValidation"}));
      op["requestBody"] = BodyOf(kind_ref, true);
      op["responses"] = Responses({{"200", "OK"}, {"201", "Created"}}, kind_ref);
      item["put"] = std::move(op);
    }
    if (HasVerb(rt, "patch")) {
      json::object op =
          Operation(n, "patch", suffix, "partially update the specified " + rt.kind, "patch", gvk,
                    Queries({"dryRun", "fieldManager", "fieldValidation", "force"}));
      op["requestBody"] = PatchBody();
      op["responses"] = Responses({{"200", "OK"}, {"201", "Created"}}, kind_ref);
      item["patch"] = std::move(op);
    }
    if (HasVerb(rt, "delete")) {
      json::object op = Operation(
          n, "delete", suffix, "delete a " + rt.kind, "delete", gvk,
          Queries({"dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy"}));
      op["requestBody"] = BodyOf(MetaName("DeleteOptions"), false);
      op["responses"] = Responses({{"200", "OK"}, {"202", "Accepted"}}, status_ref);
      item["delete"] = std::move(op);
    }
    if (!item.empty()) {
      item["parameters"] = PathParams(true, ns);
      paths[item_path] = std::move(item);
    }
  }

  if (rt.has_status) {
    paths[item_path + "/status"] = SubresourceItem(n, rt, "status", kind_ref, gvk, ns);
  }
  if (rt.scale) {
    paths[item_path + "/scale"] = SubresourceItem(n, rt, "scale", kScaleName,
                                                  Gvk("autoscaling", "v1", "Scale"), ns);
  }

  // All-namespaces list.
  if (ns && HasVerb(rt, "list")) {
    json::object item;
    json::object op = Operation(n, "list", rt.kind + "ForAllNamespaces",
                                "list or watch objects of kind " + rt.kind, "list", gvk,
                                ListParams());
    op["responses"] = Responses({{"200", "OK"}}, list_ref, true);
    item["get"] = std::move(op);
    item["parameters"] = json::array{Query("pretty")};
    paths[prefix + "/" + rt.plural] = std::move(item);
  }

  // Watch endpoints (deprecated in kube but still published).
  if (HasVerb(rt, "watch")) {
    const std::string watch_coll = ns ? prefix + "/watch/namespaces/{namespace}/" + rt.plural
                                      : prefix + "/watch/" + rt.plural;
    const std::string event_ref = MetaName("WatchEvent");
    auto watch_item = [&](const std::string& op_suffix, const std::string& desc,
                          const std::string& action, bool name, bool in_ns) {
      json::object item;
      json::object op = Operation(n, "watch", op_suffix, desc, action, gvk, ListParams());
      op["responses"] = Responses({{"200", "OK"}}, event_ref, true);
      item["get"] = std::move(op);
      item["parameters"] = PathParams(name, in_ns);
      return item;
    };
    paths[watch_coll] = watch_item(n.scope + rt.kind + "List",
                                   "watch changes to a list of " + rt.kind, "watchlist", false, ns);
    paths[watch_coll + "/{name}"] = watch_item(
        n.scope + rt.kind, "watch changes to one " + rt.kind, "watch", true, ns);
    if (ns) {
      paths[prefix + "/watch/" + rt.plural] =
          watch_item(rt.kind + "ListForAllNamespaces", "watch changes to a list of " + rt.kind,
                     "watchlist", false, false);
    }
  }
}

}  // namespace berth::api::openapi
