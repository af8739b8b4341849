// Clang thread-safety annotations: the compiler checks which mutex guards which field.
//
// Put GUARDED_BY(mu_) on a field that may only be touched with `mu_` held, REQUIRES(mu_) on a
// private method that expects its caller to hold it, EXCLUDES(mu_) on one that takes it
// itself. The mutex must be a CAPABILITY type: goldthread::Mutex or goldthread::SharedMutex
// (store/base/mutex.h), never a bare std::mutex, which libstdc++ does not annotate.
//
//   class Queue {
//    public:
//     void Push(int v) EXCLUDES(mu_) { MutexLock lock(&mu_); items_.push_back(v); }
//    private:
//     Mutex mu_;
//     std::vector<int> items_ GUARDED_BY(mu_);
//   };
//
// Clang checks them with -Wthread-safety (the build/tsa step of deploy/test.sh turns every
// finding into an error); on other compilers every macro expands to nothing. The reference is
// https://clang.llvm.org/docs/ThreadSafetyAnalysis.html.
#ifndef GOLDTHREAD_STORE_BASE_THREAD_ANNOTATIONS_H_
#define GOLDTHREAD_STORE_BASE_THREAD_ANNOTATIONS_H_

#if defined(__clang__)
#define GOLDTHREAD_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define GOLDTHREAD_THREAD_ANNOTATION(x)
#endif

// A type that is a lock ("capability"): goldthread::Mutex.
#define CAPABILITY(x) GOLDTHREAD_THREAD_ANNOTATION(capability(x))
// An RAII type that holds a capability for its lifetime: goldthread::MutexLock.
#define SCOPED_CAPABILITY GOLDTHREAD_THREAD_ANNOTATION(scoped_lockable)

// The field may be read or written only with the capability held (shared for reads of a
// SharedMutex, exclusive for writes).
#define GUARDED_BY(x) GOLDTHREAD_THREAD_ANNOTATION(guarded_by(x))
// The pointee (not the pointer) may be touched only with the capability held.
#define PT_GUARDED_BY(x) GOLDTHREAD_THREAD_ANNOTATION(pt_guarded_by(x))

// Lock ordering: this mutex is taken after / before the ones named (documentation; clang
// checks it only with -Wthread-safety-beta).
#define ACQUIRED_AFTER(...) GOLDTHREAD_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#define ACQUIRED_BEFORE(...) GOLDTHREAD_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))

// The caller must hold the capabilities (exclusively / at least shared) when calling.
#define REQUIRES(...) GOLDTHREAD_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) GOLDTHREAD_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
// The function takes (and still holds on return) / releases the capabilities.
#define ACQUIRE(...) GOLDTHREAD_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) GOLDTHREAD_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) GOLDTHREAD_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) GOLDTHREAD_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) GOLDTHREAD_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
// Returns true (the first argument) when it took the capability.
#define TRY_ACQUIRE(...) GOLDTHREAD_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define TRY_ACQUIRE_SHARED(...) \
  GOLDTHREAD_THREAD_ANNOTATION(try_acquire_shared_capability(__VA_ARGS__))
// The caller must not hold the capabilities (the function takes them itself).
#define EXCLUDES(...) GOLDTHREAD_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// Tells the analysis the capability is held here (checked at run time by the function).
#define ASSERT_CAPABILITY(x) GOLDTHREAD_THREAD_ANNOTATION(assert_capability(x))
// The function returns a reference to the capability named.
#define RETURN_CAPABILITY(x) GOLDTHREAD_THREAD_ANNOTATION(lock_returned(x))

// Turns the analysis off for one function. Say in a comment why the access is safe.
#define NO_THREAD_SAFETY_ANALYSIS GOLDTHREAD_THREAD_ANNOTATION(no_thread_safety_analysis)

#endif  // GOLDTHREAD_STORE_BASE_THREAD_ANNOTATIONS_H_
