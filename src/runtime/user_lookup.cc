#include "runtime/user_lookup.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace berth::runtime {
namespace {

// Reads the first etc/<name> found among the layer dirs, split into ':'-separated records.
std::vector<std::vector<std::string>> ReadColonFile(const std::vector<std::string>& dirs,
                                                    const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& dir : dirs) {
    std::ifstream in(dir + "/etc/" + name);
    if (!in) continue;
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> fields;
      std::stringstream ss(line);
      std::string f;
      while (std::getline(ss, f, ':')) fields.push_back(f);
      rows.push_back(std::move(fields));
    }
    break;
  }
  return rows;
}

bool ParseId(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 10) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

int64_t PrimaryGroupOf(int64_t uid, const std::vector<std::string>& dirs) {
  for (const auto& row : ReadColonFile(dirs, "passwd")) {
    int64_t u = 0, g = 0;
    if (row.size() >= 4 && ParseId(row[2], &u) && u == uid && ParseId(row[3], &g)) return g;
  }
  return 0;
}

StatusOr<ResolvedUser> ResolveImageUser(const std::string& user,
                                        const std::vector<std::string>& dirs) {
  ResolvedUser r;
  if (user.empty()) return r;
  std::string u = user, g;
  if (auto colon = user.find(':'); colon != std::string::npos) {
    u = user.substr(0, colon);
    g = user.substr(colon + 1);
  }
  if (!ParseId(u, &r.uid)) {
    bool found = false;
    for (const auto& row : ReadColonFile(dirs, "passwd")) {
      if (row.size() >= 4 && row[0] == u && ParseId(row[2], &r.uid) && ParseId(row[3], &r.gid)) {
        found = true;
        break;
      }
    }
    if (!found) return BadRequest("unable to find user " + u + ": no matching entries in passwd file");
  } else {
    r.gid = PrimaryGroupOf(r.uid, dirs);
  }
  if (!g.empty() && !ParseId(g, &r.gid)) {
    bool found = false;
    for (const auto& row : ReadColonFile(dirs, "group")) {
      if (row.size() >= 3 && row[0] == g && ParseId(row[2], &r.gid)) {
        found = true;
        break;
      }
    }
    if (!found) return BadRequest("unable to find group " + g + ": no matching entries in group file");
  }
  return r;
}

}  // namespace berth::runtime
