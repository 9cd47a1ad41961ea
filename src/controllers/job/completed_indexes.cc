#include "controllers/job/completed_indexes.h"

#include <cstdlib>

namespace berth::controllers {

namespace {

bool ParseNonNegative(const std::string& s, int* out) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  *out = std::atoi(s.c_str());
  return true;
}

}  // namespace

std::set<int> ParseIndexes(const std::string& text, int completions) {
  std::set<int> out;
  size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    size_t comma = text.find(',', pos);
    std::string piece =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t dash = piece.find('-');
    int lo = 0;
    int hi = 0;
    bool ok = dash == std::string::npos ? ParseNonNegative(piece, &lo) && ((hi = lo), true)
                                        : ParseNonNegative(piece.substr(0, dash), &lo) &&
                                              ParseNonNegative(piece.substr(dash + 1), &hi);
    if (ok) {
      for (int i = lo; i <= hi && i < completions; ++i) out.insert(i);
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::string FormatIndexes(const std::set<int>& indexes) {
  std::string out;
  auto it = indexes.begin();
  while (it != indexes.end()) {
    int first = *it;
    int last = first;
    ++it;
    while (it != indexes.end() && *it == last + 1) {
      last = *it;
      ++it;
    }
    if (!out.empty()) out += ',';
    out += std::to_string(first);
    if (last != first) out += "-" + std::to_string(last);
  }
  return out;
}

}  // namespace berth::controllers
