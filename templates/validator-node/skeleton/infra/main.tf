locals {
  # The mandatory tags (owner, cost_center, environment, service) reach every resource's tags_all
  # through default_tags; iac-pr.yml fails a plan that misses one.
  tags = {
    owner       = var.owner
    cost_center = var.cost_center
    environment = var.environment
    service     = var.service
    tier        = var.tier
    network     = var.network
    managed_by  = "terraform"
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

# Chain-data snapshots for the snapshot-restore recovery strategy.
resource "aws_s3_bucket" "snapshots" {
  bucket = "${var.service}-${var.environment}-chain-snapshots"
}

resource "aws_s3_bucket_public_access_block" "snapshots" {
  bucket                  = aws_s3_bucket.snapshots.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "snapshots" {
  bucket = aws_s3_bucket.snapshots.id

  rule {
    id     = "expire-old-snapshots"
    status = "Enabled"

    filter {}

    expiration {
      days = 14
    }
  }
}
