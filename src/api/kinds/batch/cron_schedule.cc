#include "api/kinds/batch/cron_schedule.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

namespace berth::api::batch {

namespace {

struct Bounds {
  int min;
  int max;
  const std::map<std::string, int>* names;
};

const std::map<std::string, int> kMonthNames = {
    {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4},  {"may", 5},  {"jun", 6},
    {"jul", 7}, {"aug", 8}, {"sep", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12}};
const std::map<std::string, int> kDayNames = {{"sun", 0}, {"mon", 1}, {"tue", 2}, {"wed", 3},
                                              {"thu", 4}, {"fri", 5}, {"sat", 6}};

std::vector<std::string> Split(std::string_view s, char sep, bool skip_empty) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      if (!skip_empty || !cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!skip_empty || !cur.empty()) out.push_back(cur);
  return out;
}

std::vector<std::string> Fields(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// strconv.Atoi plus robfig's mustParseInt wording.
bool ParseInt(const std::string& expr, int* out, std::string* err) {
  std::string digits = expr;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits = digits.substr(1);
  }
  bool ok = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
  if (!ok) {
    *err = "failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr +
           "\": invalid syntax";
    return false;
  }
  std::string trimmed = digits.substr(std::min(digits.find_first_not_of('0'), digits.size() - 1));
  if (trimmed.size() > 18) {
    *err = "failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr +
           "\": value out of range";
    return false;
  }
  long long v = std::stoll(trimmed);
  if (negative) v = -v;
  if (v < 0) {
    *err = "negative number (" + std::to_string(v) + ") not allowed: " + expr;
    return false;
  }
  *out = v > 1000000 ? 1000000 : static_cast<int>(v);
  return true;
}

bool ParseIntOrName(const std::string& expr, const Bounds& b, int* out, std::string* err) {
  if (b.names != nullptr) {
    std::string lower = expr;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (auto it = b.names->find(lower); it != b.names->end()) {
      *out = it->second;
      return true;
    }
  }
  return ParseInt(expr, out, err);
}

// One comma-separated element: "*", "a", "a-b", each optionally "/step".
bool ParseRange(const std::string& expr, const Bounds& b, uint64_t* bits, bool* star,
                std::string* err) {
  std::vector<std::string> range_and_step = Split(expr, '/', false);
  std::vector<std::string> low_high = Split(range_and_step[0], '-', false);
  bool single = low_high.size() == 1;
  int start = 0;
  int end = 0;
  int step = 1;
  bool is_star = false;
  if (low_high[0] == "*" || low_high[0] == "?") {
    start = b.min;
    end = b.max;
    is_star = true;
  } else {
    if (!ParseIntOrName(low_high[0], b, &start, err)) return false;
    if (low_high.size() == 1) {
      end = start;
    } else if (low_high.size() == 2) {
      if (!ParseIntOrName(low_high[1], b, &end, err)) return false;
    } else {
      *err = "too many hyphens: " + expr;
      return false;
    }
  }
  if (range_and_step.size() == 2) {
    if (!ParseInt(range_and_step[1], &step, err)) return false;
    if (single) end = b.max;
    if (step > 1) is_star = false;
  } else if (range_and_step.size() > 2) {
    *err = "too many slashes: " + expr;
    return false;
  }
  if (start < b.min) {
    *err = "beginning of range (" + std::to_string(start) + ") below minimum (" +
           std::to_string(b.min) + "): " + expr;
    return false;
  }
  if (end > b.max) {
    *err = "end of range (" + std::to_string(end) + ") above maximum (" + std::to_string(b.max) +
           "): " + expr;
    return false;
  }
  if (start > end) {
    *err = "beginning of range (" + std::to_string(start) + ") beyond end of range (" +
           std::to_string(end) + "): " + expr;
    return false;
  }
  if (step == 0) {
    *err = "step of range should be a positive number: " + expr;
    return false;
  }
  for (int i = start; i <= end; i += step) *bits |= uint64_t{1} << i;
  *star = *star || is_star;
  return true;
}

bool ParseField(const std::string& field, const Bounds& b, uint64_t* bits, bool* star,
                std::string* err) {
  for (const std::string& expr : Split(field, ',', true)) {
    if (!ParseRange(expr, b, bits, star, err)) return false;
  }
  return true;
}

// A subset of Go's time.ParseDuration: a sequence of <number><unit> with units
// ns us µs ms s m h (fractions allowed), e.g. "1h30m", "90s", "1.5h".
bool ParseGoDuration(std::string_view s, std::chrono::nanoseconds* out) {
  if (s == "0") {
    *out = std::chrono::nanoseconds(0);
    return true;
  }
  if (s.empty()) return false;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return false;
    long double n = std::stold(std::string(s.substr(0, i)));
    s.remove_prefix(i);
    size_t j = 0;
    while (j < s.size() && !std::isdigit(static_cast<unsigned char>(s[j])) && s[j] != '.') ++j;
    std::string_view unit = s.substr(0, j);
    s.remove_prefix(j);
    long double scale = 0;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else return false;
    total += n * scale;
  }
  *out = std::chrono::nanoseconds(static_cast<int64_t>(negative ? -total : total));
  return true;
}

}  // namespace

StatusOr<CronSchedule> CronSchedule::Parse(std::string_view spec_in) {
  std::string spec(spec_in);
  if (spec.empty()) return BadRequest("empty spec string");
  if (spec.rfind("TZ=", 0) == 0 || spec.rfind("CRON_TZ=", 0) == 0) {
    size_t space = spec.find(' ');
    if (space == std::string::npos) {
      return BadRequest("provided bad location " + spec.substr(spec.find('=') + 1) +
                        ": unknown time zone " + spec.substr(spec.find('=') + 1));
    }
    spec = spec.substr(space);
    spec.erase(0, spec.find_first_not_of(" \t"));
  }
  CronSchedule s;
  if (!spec.empty() && spec[0] == '@') {
    const char* fields = nullptr;
    if (spec == "@yearly" || spec == "@annually") fields = "0 0 1 1 *";
    else if (spec == "@monthly") fields = "0 0 1 * *";
    else if (spec == "@weekly") fields = "0 0 * * 0";
    else if (spec == "@daily" || spec == "@midnight") fields = "0 0 * * *";
    else if (spec == "@hourly") fields = "0 * * * *";
    if (fields != nullptr) return Parse(fields);
    const std::string every = "@every ";
    if (spec.rfind(every, 0) == 0) {
      std::string d = spec.substr(every.size());
      std::chrono::nanoseconds ns;
      if (!ParseGoDuration(d, &ns)) {
        return BadRequest("failed to parse duration " + spec + ": time: invalid duration " +
                          "\"" + d + "\"");
      }
      auto secs = std::chrono::duration_cast<std::chrono::seconds>(ns);
      s.every_ = secs < std::chrono::seconds(1) ? std::chrono::seconds(1) : secs;
      return s;
    }
    return BadRequest("unrecognized descriptor: " + spec);
  }
  std::vector<std::string> fields = Fields(spec);
  if (fields.size() != 5) {
    std::string listed = "[";
    for (size_t i = 0; i < fields.size(); ++i) listed += (i > 0 ? " " : "") + fields[i];
    listed += "]";
    return BadRequest("expected exactly 5 fields, found " + std::to_string(fields.size()) + ": " +
                      listed);
  }
  std::string err;
  bool ignored = false;
  if (!ParseField(fields[0], {0, 59, nullptr}, &s.minutes_, &ignored, &err) ||
      !ParseField(fields[1], {0, 23, nullptr}, &s.hours_, &ignored, &err) ||
      !ParseField(fields[2], {1, 31, nullptr}, &s.dom_, &s.dom_star_, &err) ||
      !ParseField(fields[3], {1, 12, &kMonthNames}, &s.months_, &ignored, &err) ||
      !ParseField(fields[4], {0, 6, &kDayNames}, &s.dow_, &s.dow_star_, &err)) {
    return BadRequest(err);
  }
  return s;
}

bool CronSchedule::DayMatches(int dom, int dow) const {
  bool dom_match = DayOfMonthSet(dom);
  bool dow_match = DayOfWeekSet(dow);
  // Like cron(8): when either field is "*", both must match; otherwise either may.
  if (dom_star_ || dow_star_) return dom_match && dow_match;
  return dom_match || dow_match;
}

std::optional<CronSchedule::time_point> CronSchedule::Next(time_point t) const {
  using namespace std::chrono;  // NOLINT(build/namespaces)
  if (every_ > seconds(0)) return floor<seconds>(t) + every_;
  time_point cur = floor<minutes>(t) + minutes(1);
  const time_point limit = cur + hours(24 * 366 * 5);
  while (cur < limit) {
    sys_days day = floor<days>(cur);
    year_month_day ymd(day);
    int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    if (!MonthSet(month)) {
      year_month next = year_month(ymd.year(), ymd.month()) + months(1);
      cur = sys_days(next / 1);
      continue;
    }
    int dom = static_cast<int>(static_cast<unsigned>(ymd.day()));
    int dow = static_cast<int>(weekday(day).c_encoding());
    if (!DayMatches(dom, dow)) {
      cur = day + days(1);
      continue;
    }
    auto since_midnight = duration_cast<minutes>(cur - day);
    int hour = static_cast<int>(since_midnight.count() / 60);
    int minute = static_cast<int>(since_midnight.count() % 60);
    if (!HourSet(hour)) {
      cur = day + hours(hour + 1);
      continue;
    }
    if (!MinuteSet(minute)) {
      cur += minutes(1);
      continue;
    }
    return cur;
  }
  return std::nullopt;
}

}  // namespace berth::api::batch
