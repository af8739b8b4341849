// goldthread's entry point. Exceptions stop here: an unexpected one becomes exit code 70.
#include <cstdio>
#include <exception>

#include "adapters/cli/cli.h"

int main(int argc, char** argv) {
  try {
    return goldthread::adapters::RunCli(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "goldthread: internal error: %s\n", e.what());
    return 70;
  }
}
