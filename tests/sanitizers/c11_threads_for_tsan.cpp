// SPDX-License-Identifier: Apache-2.0
// ThreadSanitizer does not intercept C11 <threads.h> (google/sanitizers#1603,
// open): a thread librdkafka starts with thrd_create has no TSan state and
// the first intercepted call on it crashes ("SEGV on unknown address",
// "nested bug in the same thread"), and glibc's mtx_*/cnd_* call pthread
// internals TSan cannot see. librdkafka 2.0.2 uses exactly those. This
// library, LD_PRELOADed into the TSan test run only (scripts/test.sh), maps
// them onto the pthread functions TSan does intercept. It is built without
// -fsanitize so that it can be preloaded into any process the tests start.
#include <errno.h>
#include <pthread.h>
#include <threads.h>

#include <cstdint>
#include <new>

namespace {

struct Start {
  thrd_start_t fn;
  void* arg;
};

void* trampoline(void* p) {
  Start s = *static_cast<Start*>(p);
  delete static_cast<Start*>(p);
  return reinterpret_cast<void*>(static_cast<std::intptr_t>(s.fn(s.arg)));
}

int to_thrd(int rc) {
  switch (rc) {
    case 0: return thrd_success;
    case ENOMEM: return thrd_nomem;
    case EBUSY: return thrd_busy;
    case ETIMEDOUT: return thrd_timedout;
    default: return thrd_error;
  }
}

// glibc's mtx_t and cnd_t are the same storage as pthread_mutex_t and
// pthread_cond_t (its own mtx_lock casts them the same way).
pthread_mutex_t* pm(mtx_t* m) { return reinterpret_cast<pthread_mutex_t*>(m); }
pthread_cond_t* pc(cnd_t* c) { return reinterpret_cast<pthread_cond_t*>(c); }

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int thrd_create(thrd_t* thr, thrd_start_t fn, void* arg) {
  auto* s = new (std::nothrow) Start{fn, arg};
  if (s == nullptr) return thrd_nomem;
  int rc = pthread_create(reinterpret_cast<pthread_t*>(thr), nullptr, trampoline, s);
  if (rc != 0) delete s;
  return to_thrd(rc);
}

__attribute__((visibility("default"))) int thrd_join(thrd_t thr, int* res) {
  void* out = nullptr;
  int rc = pthread_join(static_cast<pthread_t>(thr), &out);
  if (rc == 0 && res != nullptr) *res = static_cast<int>(reinterpret_cast<std::intptr_t>(out));
  return to_thrd(rc);
}

__attribute__((visibility("default"))) int thrd_detach(thrd_t thr) {
  return to_thrd(pthread_detach(static_cast<pthread_t>(thr)));
}

__attribute__((visibility("default"))) int mtx_init(mtx_t* m, int type) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  if ((type & mtx_recursive) != 0) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  int rc = pthread_mutex_init(pm(m), &attr);
  pthread_mutexattr_destroy(&attr);
  return to_thrd(rc);
}

__attribute__((visibility("default"))) int mtx_lock(mtx_t* m) { return to_thrd(pthread_mutex_lock(pm(m))); }
__attribute__((visibility("default"))) int mtx_trylock(mtx_t* m) { return to_thrd(pthread_mutex_trylock(pm(m))); }
__attribute__((visibility("default"))) int mtx_timedlock(mtx_t* m, const struct timespec* t) {
  return to_thrd(pthread_mutex_timedlock(pm(m), t));
}
__attribute__((visibility("default"))) int mtx_unlock(mtx_t* m) { return to_thrd(pthread_mutex_unlock(pm(m))); }
__attribute__((visibility("default"))) void mtx_destroy(mtx_t* m) { pthread_mutex_destroy(pm(m)); }

__attribute__((visibility("default"))) int cnd_init(cnd_t* c) { return to_thrd(pthread_cond_init(pc(c), nullptr)); }
__attribute__((visibility("default"))) int cnd_signal(cnd_t* c) { return to_thrd(pthread_cond_signal(pc(c))); }
__attribute__((visibility("default"))) int cnd_broadcast(cnd_t* c) { return to_thrd(pthread_cond_broadcast(pc(c))); }
__attribute__((visibility("default"))) int cnd_wait(cnd_t* c, mtx_t* m) { return to_thrd(pthread_cond_wait(pc(c), pm(m))); }
__attribute__((visibility("default"))) int cnd_timedwait(cnd_t* c, mtx_t* m, const struct timespec* t) {
  return to_thrd(pthread_cond_timedwait(pc(c), pm(m), t));
}
__attribute__((visibility("default"))) void cnd_destroy(cnd_t* c) { pthread_cond_destroy(pc(c)); }

}  // extern "C"
