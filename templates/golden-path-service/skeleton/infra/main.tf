locals {
  # The mandatory tags (owner, cost_center, environment, service) reach every resource's tags_all
  # through default_tags; iac-pr.yml fails a plan that misses one.
  tags = {
    owner       = var.owner
    cost_center = var.cost_center
    environment = var.environment
    service     = var.service
    tier        = var.tier
    managed_by  = "terraform"
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

resource "aws_s3_bucket" "assets" {
  bucket = "${var.service}-${var.environment}-assets"
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket                  = aws_s3_bucket.assets.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
