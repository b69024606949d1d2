# https://github.com/puma/puma#configuration
workers Integer(ENV.fetch("WEB_CONCURRENCY") { 2 })
max_threads_count = ENV.fetch("PUMA_MAX_THREADS") { 5 }
threads max_threads_count, max_threads_count

preload_app!

port ENV.fetch("PORT") { 9292 }
