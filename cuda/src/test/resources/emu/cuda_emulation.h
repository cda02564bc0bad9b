// CUDA C on the CPU, for tests: just enough of CUDA's device language for modelc's generated
// kernels to compile as C++ and run, each block's threads as POSIX threads meeting at a
// barrier for __syncthreads, blocks one after another. Not a simulator of a GPU's memory model
// or warps: it checks what the kernels compute, not how fast, and (blocks being sequential) it
// cannot show a race between blocks.
#include <math.h>
#include <pthread.h>
#include <string.h>

struct uint3 { unsigned int x, y, z; };
struct dim3 { unsigned int x, y, z; };

namespace emu {
inline thread_local uint3 thread_index, block_index;
inline dim3 block_dim, grid_dim;
inline pthread_barrier_t* barrier;

template <typename T> T arg(void* p) { return *(T*) p; }

template <int... I> struct seq {};
template <int N, int... I> struct make_seq : make_seq<N - 1, N - 1, I...> {};
template <int... I> struct make_seq<0, I...> { typedef seq<I...> type; };

template <typename... P, int... I> void call(void (*f)(P...), void** a, seq<I...>) { f(arg<P>(a[I])...); }

template <typename... P> struct job { void (*f)(P...); void** a; unsigned int t; };

// One POSIX thread per thread of a block, kept for the whole launch: it runs its part of every
// block in turn and meets the others at the barrier after each block, so blocks stay in order
// and __syncthreads works within each.
template <typename... P> void* run_thread(void* p) {
  job<P...>* j = (job<P...>*) p;
  thread_index = uint3{j->t % block_dim.x, (j->t / block_dim.x) % block_dim.y, j->t / (block_dim.x * block_dim.y)};
  for (unsigned int z = 0; z < grid_dim.z; z++)
    for (unsigned int y = 0; y < grid_dim.y; y++)
      for (unsigned int x = 0; x < grid_dim.x; x++) {
        block_index = uint3{x, y, z};
        call(j->f, j->a, typename make_seq<sizeof...(P)>::type());
        pthread_barrier_wait(barrier);
      }
  return 0;
}

// g: grid x, y, z, block x, y, z. cooperative: the kernel meets at __syncthreads, so a block's
// threads run at once; otherwise every thread of every block runs in turn on this thread.
template <typename... P> void launch(void (*f)(P...), void** a, const int* g, int cooperative) {
  grid_dim = dim3{(unsigned) g[0], (unsigned) g[1], (unsigned) g[2]};
  block_dim = dim3{(unsigned) g[3], (unsigned) g[4], (unsigned) g[5]};
  unsigned int threads = block_dim.x * block_dim.y * block_dim.z;
  if (!cooperative) {
    for (unsigned int z = 0; z < grid_dim.z; z++)
      for (unsigned int y = 0; y < grid_dim.y; y++)
        for (unsigned int x = 0; x < grid_dim.x; x++)
          for (unsigned int t = 0; t < threads; t++) {
            block_index = uint3{x, y, z};
            thread_index = uint3{t % block_dim.x, (t / block_dim.x) % block_dim.y, t / (block_dim.x * block_dim.y)};
            call(f, a, typename make_seq<sizeof...(P)>::type());
          }
    return;
  }
  static job<P...> jobs[1024];
  static pthread_t ids[1024];
  pthread_barrier_t b;
  pthread_barrier_init(&b, 0, threads);
  barrier = &b;
  for (unsigned int t = 0; t < threads; t++) {
    jobs[t] = job<P...>{f, a, t};
    pthread_create(&ids[t], 0, run_thread<P...>, &jobs[t]);
  }
  for (unsigned int t = 0; t < threads; t++) pthread_join(ids[t], 0);
  pthread_barrier_destroy(&b);
}
}  // namespace emu

#define threadIdx emu::thread_index
#define blockIdx emu::block_index
#define blockDim emu::block_dim
#define gridDim emu::grid_dim
#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ static
inline void __syncthreads() { pthread_barrier_wait(emu::barrier); }
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline unsigned int atomicAdd(unsigned int* p, unsigned int v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
inline double __longlong_as_double(long long x) { double d; memcpy(&d, &x, 8); return d; }
inline long long __double_as_longlong(double x) { long long l; memcpy(&l, &x, 8); return l; }
inline float __int_as_float(int x) { float f; memcpy(&f, &x, 4); return f; }
