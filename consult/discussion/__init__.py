"""Discussion: threaded comments (one level of replies) on a consultation and on each of its
questions, with agree / disagree / pass votes, moderated through the same gate as submissions."""
