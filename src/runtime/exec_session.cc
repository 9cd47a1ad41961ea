#include "runtime/exec_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "runtime/process_spawn.h"

namespace berth::runtime {
namespace {

std::vector<std::string> RuncExecPrefix(const ExecTarget& t) {
  std::vector<std::string> argv = {t.runc_binary};
  if (!t.runc_root.empty()) {
    argv.push_back("--root");
    argv.push_back(t.runc_root);
  }
  argv.push_back("exec");
  return argv;
}

class RuncExecSession : public ExecSession {
 public:
  RuncExecSession(pid_t pid, UniqueFd in, UniqueFd out, UniqueFd err)
      : pid_(pid), in_(std::move(in)), out_(std::move(out)), err_(std::move(err)) {}
  ~RuncExecSession() override {
    if (!waited_) {
      kill(pid_, SIGKILL);
      WaitProcess(pid_);
    }
  }
  int stdin_fd() const override { return in_.get(); }
  int stdout_fd() const override { return out_.get(); }
  int stderr_fd() const override { return err_.get(); }
  void CloseStdin() override { in_.reset(); }
  Status Resize(int cols, int rows) override {
    if (!tty_) return BadRequest("exec session has no tty");
    winsize ws{};
    ws.ws_col = static_cast<unsigned short>(cols);
    ws.ws_row = static_cast<unsigned short>(rows);
    if (ioctl(out_.get(), TIOCSWINSZ, &ws) != 0)
      return InternalError(std::string("TIOCSWINSZ: ") + strerror(errno));
    return Status::Ok();
  }
  StatusOr<int> Wait() override {
    if (waited_) return exit_code_;
    exit_code_ = WaitProcess(pid_);
    waited_ = true;
    if (exit_code_ < 0) return InternalError("exec: wait failed");
    return exit_code_;
  }
  void set_tty(bool tty) { tty_ = tty; }

 private:
  pid_t pid_;
  UniqueFd in_, out_, err_;
  bool tty_ = false;
  bool waited_ = false;
  int exit_code_ = 0;
};

std::atomic<int> g_socket_seq{0};

}  // namespace

int ReceiveFd(int socket_fd) {
  char data[256];
  iovec iov{data, sizeof data};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      memcpy(&fd, CMSG_DATA(c), sizeof fd);
      return fd;
    }
  }
  return -1;
}

StatusOr<std::unique_ptr<ExecSession>> StartExecSession(const ExecTarget& t,
                                                        const ExecOptions& o) {
  if (o.args.empty()) return BadRequest("exec: empty command");
  std::vector<std::string> argv = RuncExecPrefix(t);
  for (const auto& e : o.env) {
    argv.push_back("--env");
    argv.push_back(e);
  }
  if (!o.tty) {
    UniqueFd in_r, in_w, out_r, out_w, err_r, err_w;
    BERTH_RETURN_IF_ERROR(MakePipe(&out_r, &out_w));
    BERTH_RETURN_IF_ERROR(MakePipe(&err_r, &err_w));
    if (o.stdin_open) BERTH_RETURN_IF_ERROR(MakePipe(&in_r, &in_w));
    argv.push_back(t.container_id);
    argv.insert(argv.end(), o.args.begin(), o.args.end());
    SpawnOptions so;
    so.fds = {o.stdin_open ? in_r.get() : -1, out_w.get(), err_w.get()};
    auto pid = SpawnProcess(argv, so);
    if (!pid.ok()) return pid.status();
    return std::unique_ptr<ExecSession>(std::make_unique<RuncExecSession>(
        *pid, std::move(in_w), std::move(out_r), std::move(err_r)));
  }

  // tty: runc hands the pty master to whoever listens on the console socket, and detaches, so
  // the shim's exec-wait mode parents the process to collect its exit status.
  int seq = g_socket_seq++;
  std::string sock_path = "/tmp/berth-console-" + std::to_string(getpid()) + "-" +
                          std::to_string(seq) + ".sock";
  std::string pid_file = t.scratch_dir + "/exec-" + std::to_string(getpid()) + "-" +
                         std::to_string(seq) + ".pid";
  UniqueFd listener(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (listener.get() < 0) return InternalError(std::string("socket: ") + strerror(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, sock_path.c_str(), sizeof addr.sun_path - 1);
  unlink(sock_path.c_str());
  if (bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener.get(), 1) != 0)
    return InternalError("console socket " + sock_path + ": " + strerror(errno));
  argv.insert(argv.end(), {"--detach", "--tty", "--console-socket", sock_path, "--pid-file",
                           pid_file, t.container_id});
  argv.insert(argv.end(), o.args.begin(), o.args.end());
  std::vector<std::string> helper = {t.shim_binary, "shim", "exec-wait", "--pid-file", pid_file,
                                     "--"};
  helper.insert(helper.end(), argv.begin(), argv.end());
  SpawnOptions so;
  auto pid = SpawnProcess(helper, so);
  if (!pid.ok()) {
    unlink(sock_path.c_str());
    return pid.status();
  }
  pollfd p{listener.get(), POLLIN, 0};
  int r;
  do {
    r = poll(&p, 1, 30000);
  } while (r < 0 && errno == EINTR);
  UniqueFd conn(r > 0 ? accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC) : -1);
  unlink(sock_path.c_str());
  UniqueFd master(conn.get() >= 0 ? ReceiveFd(conn.get()) : -1);
  if (master.get() < 0) {
    kill(*pid, SIGKILL);
    int code = WaitProcess(*pid);
    unlink(pid_file.c_str());
    return InternalError("exec: no console from runc (exit code " + std::to_string(code) + ")");
  }
  UniqueFd in;
  if (o.stdin_open) in.reset(fcntl(master.get(), F_DUPFD_CLOEXEC, 0));
  auto session = std::make_unique<RuncExecSession>(*pid, std::move(in), std::move(master),
                                                   UniqueFd());
  session->set_tty(true);
  return std::unique_ptr<ExecSession>(std::move(session));
}

}  // namespace berth::runtime
