// Command go-app is a small HTTP service: it reads PORT and GREETING from the environment,
// answers /healthz, and serves its front end (built by npm in web/, embedded at compile time).
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "go-app:", err)
		os.Exit(2)
	}
}

func run() error {
	port, err := portFromEnv(os.Getenv("PORT"))
	if err != nil {
		return err
	}
	greeting := os.Getenv("GREETING")
	if greeting == "" {
		greeting = "Hello from go-app"
	}
	handler, err := newHandler(greeting, assets())
	if err != nil {
		return err
	}
	server := &http.Server{
		Addr:              ":" + strconv.Itoa(port),
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
	}
	// Containers stop with SIGTERM: finish in-flight requests instead of being killed later.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown)
	}()
	log.Printf("go-app listening on :%d", port)
	if err := server.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func portFromEnv(raw string) (int, error) {
	if raw == "" {
		return 8080, nil
	}
	port, err := strconv.Atoi(raw)
	if err != nil || port < 1 || port > 65535 {
		return 0, fmt.Errorf("PORT must be a TCP port number, got %q", raw)
	}
	return port, nil
}
