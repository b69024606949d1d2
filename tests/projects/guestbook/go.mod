module guestbook

go 1.19
