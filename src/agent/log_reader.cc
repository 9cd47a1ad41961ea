#include "agent/log_reader.h"

#include <sys/stat.h>

#include <deque>
#include <fstream>
#include <thread>
#include <vector>

namespace berth::agent {
namespace {

struct Entry {
  std::string timestamp;
  bool partial = false;
  std::string text;
};

bool ParseLine(const std::string& line, Entry* e) {
  size_t a = line.find(' ');
  if (a == std::string::npos) return false;
  size_t b = line.find(' ', a + 1);
  if (b == std::string::npos) return false;
  size_t c = line.find(' ', b + 1);
  std::string tag = line.substr(b + 1, c == std::string::npos ? std::string::npos : c - b - 1);
  e->timestamp = line.substr(0, a);
  e->partial = tag == "P";
  e->text = c == std::string::npos ? "" : line.substr(c + 1);
  return true;
}

std::string Render(const Entry& e, bool timestamps) {
  std::string s = timestamps ? e.timestamp + " " + e.text : e.text;
  if (!e.partial) s += "\n";
  return s;
}

}  // namespace

Status ReadContainerLog(const std::string& path, const LogOptions& options,
                        const std::function<bool(const std::string&)>& out,
                        const std::function<bool()>& still_running,
                        const std::atomic<bool>* stop) {
  std::vector<std::string> files;
  for (int i = 9; i >= 1; --i) {
    std::string rotated = path + "." + std::to_string(i);
    struct stat st {};
    if (stat(rotated.c_str(), &st) == 0) files.push_back(rotated);
  }
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 && files.empty())
    return Status(Reason::kNotFound, "log file " + path + " not found");
  files.push_back(path);

  std::deque<std::string> tail;
  std::string tail_line;
  int64_t written = 0;
  bool limit_hit = false;
  auto emit = [&](const std::string& s) -> bool {
    if (options.limit_bytes) {
      if (written >= *options.limit_bytes) {
        limit_hit = true;
        return false;
      }
      std::string cut = s.substr(0, static_cast<size_t>(*options.limit_bytes - written));
      written += static_cast<int64_t>(cut.size());
      return out(cut);
    }
    written += static_cast<int64_t>(s.size());
    return out(s);
  };
  auto accept = [&](const Entry& e) {
    if (options.since) {
      Clock::time_point t;
      if (ParseRfc3339(e.timestamp, &t) && t < *options.since) return false;
    }
    return true;
  };
  std::ifstream current;
  for (size_t i = 0; i < files.size(); ++i) {
    std::ifstream f(files[i]);
    std::string line;
    while (std::getline(f, line)) {
      Entry e;
      if (!ParseLine(line, &e) || !accept(e)) continue;
      std::string r = Render(e, options.timestamps);
      if (options.tail_lines) {
        // A partial entry and its continuation are one line for --tail.
        tail_line += r;
        if (e.partial) continue;
        tail.push_back(std::move(tail_line));
        tail_line.clear();
        if (static_cast<int64_t>(tail.size()) > *options.tail_lines) tail.pop_front();
      } else if (!emit(r)) {
        return Status::Ok();
      }
    }
    if (i + 1 == files.size()) {
      f.clear();
      current = std::move(f);
    }
  }
  if (!tail_line.empty()) tail.push_back(tail_line);
  for (const auto& r : tail)
    if (!emit(r)) return Status::Ok();
  if (!options.follow || limit_hit) return Status::Ok();
  // Follow: poll for new lines until the container stops.
  std::string partial_line;
  int idle = 0;
  while (!(stop && stop->load())) {
    std::string line;
    if (std::getline(current, line)) {
      if (current.eof()) {  // no newline yet: wait for the rest
        partial_line += line;
        current.clear();
        continue;
      }
      line = partial_line + line;
      partial_line.clear();
      Entry e;
      if (ParseLine(line, &e) && !emit(Render(e, options.timestamps))) return Status::Ok();
      idle = 0;
      continue;
    }
    current.clear();
    // Rotation: the file was renamed; reopen the new one.
    struct stat now {};
    if (stat(path.c_str(), &now) == 0 && now.st_ino != st.st_ino) {
      st = now;
      current = std::ifstream(path);
      continue;
    }
    if (++idle % 5 == 0 && !still_running()) {
      // Drain what was written just before the exit.
      while (std::getline(current, line)) {
        Entry e;
        if (ParseLine(line, &e) && !emit(Render(e, options.timestamps))) return Status::Ok();
      }
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::Ok();
}

}  // namespace berth::agent
