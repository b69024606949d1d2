package main

/*
#include <stdint.h>

static uint64_t c_fib(unsigned int n) {
	uint64_t a = 0, b = 1;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t t = a + b;
		a = b;
		b = t;
	}
	return a;
}
*/
import "C"

// Fib returns the n-th Fibonacci number, computed by the C function above.
func Fib(n uint) uint64 {
	return uint64(C.c_fib(C.uint(n)))
}
