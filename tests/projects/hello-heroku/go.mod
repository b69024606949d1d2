// +heroku goVersion go1.19
// +heroku install ./cmd/web
module github.com/example/hello-heroku

go 1.19
