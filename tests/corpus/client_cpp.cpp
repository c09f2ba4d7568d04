/* The same source, compiled as C++ (g++ -Wall -Werror). */
#include "client.c"
