#include "apiserver/rest/table.h"

#include "common/clock.h"
#include "common/json.h"

namespace berth::apiserver {

namespace json = boost::json;

bool WantsTable(const Request& req) {
  std::string accept = req.Header("accept");
  // The first acceptable media type wins; kubectl lists Table first.
  size_t pos = 0;
  while (pos < accept.size()) {
    size_t comma = accept.find(',', pos);
    std::string part = accept.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (part.find("as=Table") != std::string::npos && part.find("g=meta.k8s.io") != std::string::npos) {
      return true;
    }
    if (part.find("application/json") != std::string::npos && part.find("as=") == std::string::npos) {
      return false;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return false;
}

bool AcceptsOnlyTransformed(const Request& req) {
  std::string accept = req.Header("accept");
  bool any = false;
  size_t pos = 0;
  while (pos <= accept.size()) {
    size_t comma = accept.find(',', pos);
    std::string part = accept.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (part.find_first_not_of(" \t") != std::string::npos) {
      if (part.find("as=") == std::string::npos) return false;
      any = true;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return any;
}

IncludeObject ParseIncludeObject(const Request& req) {
  auto v = req.Query("includeObject");
  if (!v) return IncludeObject::kMetadata;
  if (*v == "None") return IncludeObject::kNone;
  if (*v == "Object") return IncludeObject::kObject;
  return IncludeObject::kMetadata;
}

static json::array DefaultRow(const json::object& obj, const api::HookContext& ctx) {
  json::array cells;
  cells.push_back(json::value(GetString(obj, {"metadata", "name"})));
  std::string created = GetString(obj, {"metadata", "creationTimestamp"});
  Clock::time_point t;
  if (!created.empty() && ParseRfc3339(created, &t)) {
    cells.push_back(json::value(HumanDuration(
        std::chrono::duration_cast<std::chrono::seconds>(ctx.now - t))));
  } else {
    cells.push_back("<unknown>");
  }
  return cells;
}

json::object BuildTable(const api::ResourceType& t, const std::vector<const json::object*>& items,
                        const api::HookContext& ctx, IncludeObject include, bool with_columns) {
  json::object table{{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"},
                     {"metadata", json::object()}};
  json::array cols;
  if (with_columns) {
    if (t.columns.empty() || !t.row_fn) {
      cols.push_back(json::object{{"name", "Name"}, {"type", "string"}, {"format", "name"},
                                  {"description", "Name must be unique within a namespace."},
                                  {"priority", 0}});
      cols.push_back(json::object{{"name", "Age"}, {"type", "date"}, {"format", ""},
                                  {"description", "Time since the object was created."},
                                  {"priority", 0}});
    } else {
      for (const auto& c : t.columns) {
        cols.push_back(json::object{{"name", c.name}, {"type", c.type}, {"format", c.format},
                                    {"description", c.description}, {"priority", c.priority}});
      }
    }
  }
  table["columnDefinitions"] = std::move(cols);
  json::array rows;
  for (const json::object* obj : items) {
    json::object row;
    row["cells"] = (t.columns.empty() || !t.row_fn) ? DefaultRow(*obj, ctx) : t.row_fn(*obj, ctx);
    if (include == IncludeObject::kObject) {
      row["object"] = *obj;
    } else if (include == IncludeObject::kMetadata) {
      json::object meta;
      if (auto* m = obj->if_contains("metadata"); m && m->is_object()) {
        meta = m->as_object();
        meta.erase("managedFields");
      }
      row["object"] = json::object{{"kind", "PartialObjectMetadata"},
                                   {"apiVersion", "meta.k8s.io/v1"},
                                   {"metadata", std::move(meta)}};
    }
    rows.push_back(std::move(row));
  }
  table["rows"] = std::move(rows);
  return table;
}

}  // namespace berth::apiserver
