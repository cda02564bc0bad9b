/*
 * A stand-in for libnvrtc with NVRTC's C API, built by ForeignNvrtcTest where a C compiler is
 * installed, so the Foreign Function binding's calls and marshalling run on machines without
 * CUDA. "Compiling" echoes the options and the source as PTX comments; a source containing
 * "#error" fails with a log, as a rejected program does.
 */
#include <stdlib.h>
#include <string.h>

typedef struct { char *src, *log, *ptx; } program;

int nvrtcVersion(int *major, int *minor) { *major = 13; *minor = 0; return 0; }

int nvrtcCreateProgram(program **p, const char *src, const char *name, int numHeaders,
                       const char *const *headers, const char *const *includeNames) {
  program *q = calloc(1, sizeof(program));
  q->src = strdup(src);
  q->log = strdup("");
  *p = q;
  return 0;
}

int nvrtcCompileProgram(program *p, int numOptions, const char *const *options) {
  if (strstr(p->src, "#error")) {
    free(p->log);
    p->log = strdup("fake.cu(1): error: the source has an #error");
    return 6; /* NVRTC_ERROR_COMPILATION */
  }
  size_t n = strlen(p->src) + 64;
  for (int i = 0; i < numOptions; i++) n += strlen(options[i]) + 1;
  p->ptx = malloc(n);
  strcpy(p->ptx, "// fake PTX, options:");
  for (int i = 0; i < numOptions; i++) { strcat(p->ptx, " "); strcat(p->ptx, options[i]); }
  strcat(p->ptx, "\n");
  strcat(p->ptx, p->src);
  return 0;
}

int nvrtcGetProgramLogSize(program *p, size_t *n) { *n = strlen(p->log) + 1; return 0; }
int nvrtcGetProgramLog(program *p, char *out) { strcpy(out, p->log); return 0; }
int nvrtcGetPTXSize(program *p, size_t *n) { *n = strlen(p->ptx) + 1; return 0; }
int nvrtcGetPTX(program *p, char *out) { strcpy(out, p->ptx); return 0; }

int nvrtcDestroyProgram(program **p) {
  free((*p)->src); free((*p)->log); free((*p)->ptx); free(*p);
  *p = NULL;
  return 0;
}

const char *nvrtcGetErrorString(int result) { return result == 6 ? "NVRTC_ERROR_COMPILATION" : "NVRTC_SUCCESS"; }
