class PostsController < ApplicationController
  def index
    @posts = Post.order(created_at: :desc)
    @title = ENV.fetch("BLOG_TITLE", "Blog")
  end
end
